#!/usr/bin/env bash
# The weekly comparison without GitHub: a crontab line such as
#   0 6 * * 1  cd /srv/models && docs/examples/weekly-cron.sh >> /var/log/genreport-weekly.log 2>&1
# runs the comparison, appends the run to the history (kept beside the reports,
# append-only) and mails the PDF. Needs `mail` from bsd-mailx or mailutils.
set -euo pipefail
out="reports/weekly/$(date -u +%Y-%m-%d)"
npx genreport run genreport.yaml --history reports/history.jsonl --out "$out"
if [ -n "${GENREPORT_MAIL_TO:-}" ]; then
  echo "This week's comparison of the generative models is attached; the trend section compares it with earlier weeks." |
    mail -s "genreport weekly $(date -u +%Y-%m-%d)" -A "$out/report.pdf" "$GENREPORT_MAIL_TO"
fi
