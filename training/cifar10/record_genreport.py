"""Writes genreport's own figures for each model of a run into that bundle's card.json,
as measured.genreport, so a card's PyTorch figures and genreport's sit side by side and
can be checked against each other:

- every model: what the run measured of its samples (FID in the run's feature space,
  classes covered, class KL, classifier score, the class shares from the
  mode-coverage chart's data, with issue 25's 4% bar checked) and sampling speed;
- a likelihood model (VAE, flow, autoregressive) in a run with a density section:
  the tightest bits/dim with its 95% interval, the independent-pixels reference and
  the published figures the report shows beside it, and the bar.

    node bin/genreport.js run samples/cifar10/gan-coverage.yaml --out reports/cifar10-gans
    /usr/bin/python3 training/cifar10/record_genreport.py reports/cifar10-gans
    node bin/genreport.js run samples/cifar10/density-check.yaml --out reports/cifar10-density
    /usr/bin/python3 training/cifar10/record_genreport.py reports/cifar10-density
"""
import json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, write_json

# Issue 25's bits/dim bars: the PixelCNN at most 4.5, the VAE and the flow below 5.5.
BITS_BARS = {'autoregressive': (4.5, 'at most'), 'vae': (5.5, 'beat'), 'flow': (5.5, 'beat')}


def value(result):
    return float(f"{result['value']:.4g}") if result and result.get('kind') == 'value' else None


def sample_figures(report, model):
    r = report['results'][model['name']]
    coverage = next((c for c in report['charts'] if c['id'] == 'mode-coverage'), None)
    shares = [v['generated'] for v in (coverage['spec']['data']['values'] if coverage else []) if v['model'] == model['name']]
    return {
        'data': f"{report['dataset']['name']} ({report['dataset']['count']} images)",
        'featureSpace': report['extractor']['name'],
        'samples': model.get('samples') or report['run']['samples'],
        'samplesPerSecond': round(model['samplesPerSecond'], 3) if model.get('samplesPerSecond') else None,
        'fidInFeatureSpace': value(r.get('fid')),
        'classesCovered': value(r.get('classes-covered')),
        'classKl': value(r.get('class-kl')),
        'classifierScore': value(r.get('classifier-score')),
        'classShares': shares,
        'minClassShare': min(shares) if shares else None,
        'allClassesAtLeast4Percent': len(shares) == 10 and min(shares) >= 0.04,
    }


def density_figures(report, model):
    density = report.get('density')
    rows = [r for r in density['rows'] if r['model'] == model['name'] and r.get('bitsPerDim')] if density else []
    if not rows or model['family'] not in BITS_BARS:
        return {}
    best = min(rows, key=lambda r: r['bitsPerDim']['value'])
    bits = best['bitsPerDim']
    bar, how = BITS_BARS[model['family']]
    return {
        'densityData': f"{density['source']} (the first {density['images']} images)",
        'density': {
            'bitsPerDim': round(bits['value'], 3), 'interval95': [round(bits['low'], 3), round(bits['high'], 3)],
            'images': best['n'], 'estimate': best['label'],
            'independentPixelsReference': round(density['reference']['bitsPerDim']['value'], 3) if density.get('reference') else None,
            'published': {f['model']: f['bitsPerDim'] for f in density.get('published', {}).get('figures', [])},
            'target': f'{how} {bar} bits/dim',
            'beatsTarget': bits['value'] <= bar if how == 'at most' else bits['value'] < bar,
        },
    }


def main(report_dir):
    report = json.load(open(os.path.join(report_dir, 'report.json')))
    for model in report['models']:
        if model['status'] != 'ok':
            continue
        card_path = os.path.join(ROOT, model['bundle'], 'card.json')
        figures = {k: v for k, v in {**sample_figures(report, model), **density_figures(report, model)}.items() if v is not None}
        card = json.load(open(card_path))
        card['measured']['genreport'] = {'command': report['run']['command'], 'version': report['tool']['version'], **figures}
        write_json(card_path, card)
        print(model['name'], json.dumps(card['measured']['genreport']))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
