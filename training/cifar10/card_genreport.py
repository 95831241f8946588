"""Write genreport's own figures for likelihood models into their cards
(measured.genreport), from a run's report.json: the tightest bits/dim with its 95%
interval, the independent-pixels reference and the published figures the report
shows beside it, and sampling speed. So a card's PyTorch figure and genreport's sit
side by side and can be checked against each other.

    node bin/genreport.js run samples/cifar10/density-check.yaml --out reports/cifar10-density
    /usr/bin/python3 training/cifar10/card_genreport.py reports/cifar10-density pixelcnn vae
"""
import json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ZOO, write_json

TARGETS = {'autoregressive': 4.5, 'vae': 5.5, 'flow': 5.5}


def main(report_dir, bundles, command):
    report = json.load(open(os.path.join(report_dir, 'report.json')))
    density = report['density']
    for folder in bundles:
        card_path = os.path.join(ZOO, folder, 'card.json')
        card = json.load(open(card_path))
        model = next(m for m in report['models'] if os.path.basename(m['bundle'].rstrip('/')) == folder)
        rows = [r for r in density['rows'] if r['model'] == model['name'] and r.get('bitsPerDim')]
        best = min(rows, key=lambda r: r['bitsPerDim']['value'])
        bits = best['bitsPerDim']
        target = TARGETS[model['family']]
        card['measured']['genreport'] = {
            'command': command,
            'version': report['tool']['version'],
            'data': f"{density['source']} (density on the first {density['images']} images)",
            'samplesPerSecond': round(model['samplesPerSecond'], 3) if model.get('samplesPerSecond') else None,
            'density': {
                'bitsPerDim': round(bits['value'], 3), 'interval95': [round(bits['low'], 3), round(bits['high'], 3)],
                'images': best['n'], 'estimate': best['label'],
                'independentPixelsReference': round(density['reference']['bitsPerDim']['value'], 3) if density.get('reference') else None,
                'published': {f['model']: f['bitsPerDim'] for f in density.get('published', {}).get('figures', [])},
                'target': f'{"at most" if model["family"] == "autoregressive" else "beat"} {target} bits/dim',
                'beatsTarget': bits['value'] <= target if model['family'] == 'autoregressive' else bits['value'] < target,
            },
        }
        write_json(card_path, card)
        print(f"{folder}: genreport {bits['value']:.3f} [{bits['low']:.3f}, {bits['high']:.3f}] bits/dim ({best['estimator']}, n = {best['n']})")


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:], os.environ.get('GENREPORT_COMMAND', f'node bin/genreport.js run ... --out {sys.argv[1]}'))
