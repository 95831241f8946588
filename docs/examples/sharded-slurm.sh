#!/bin/bash
# One genreport run split across 3 nodes by a Slurm job array, then merged.
#   sbatch sharded-slurm.sh
# Slurm numbers the array's tasks 0..2 in SLURM_ARRAY_TASK_ID, which `--shards 3` reads;
# task 0 also queues the merge, which starts only once every task has succeeded.
# Run it from the folder that holds genreport.yaml (shared between the nodes).
# Change --array and SHARDS together.
#SBATCH --job-name=genreport-shard
#SBATCH --array=0-2
#SBATCH --cpus-per-task=8
#SBATCH --mem=16G
#SBATCH --time=04:00:00
#SBATCH --output=logs/genreport-%A_%a.out
set -euo pipefail
SHARDS=3

if [ "$SLURM_ARRAY_TASK_ID" = 0 ]; then
  sbatch --dependency=afterok:"$SLURM_ARRAY_JOB_ID" --job-name=genreport-merge --output=logs/genreport-merge-%j.out \
    --wrap "npx genreport merge parts/part-*/ --out reports/merged"
fi

npx genreport run genreport.yaml --shards "$SHARDS" --out "parts/part-$SLURM_ARRAY_TASK_ID"
