import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInlineSafeSvg } from '../../src/render/svg-guard.ts';

const plain =
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g clip-path="url(#clip1)"><rect width="10" height="10" fill="white"/><text>a &lt; b</text></g></svg>';

test('plain drawing SVG passes', () => {
  assert.equal(isInlineSafeSvg(plain), true);
});

test('anything that can run script or load a resource is refused', () => {
  const hostile = [
    '<svg><script>alert(1)</script></svg>',
    '<svg onload="alert(1)"></svg>',
    '<svg/onload=alert(1)></svg>',
    '<svg><rect onclick="x()"/></svg>',
    '<svg><foreignObject><div>hi</div></foreignObject></svg>',
    '<svg><a href="https://example.com"><text>x</text></a></svg>',
    '<svg><image href="https://example.com/x.png"/></svg>',
    '<svg><rect fill="url(https://example.com/x)"/></svg>',
    '<svg><style>@import "https://example.com/x.css";</style></svg>',
    '<!DOCTYPE svg [<!ENTITY x "y">]><svg></svg>',
    '<div>not svg</div>',
    '</svg><script>alert(1)</script><svg></svg>',
  ];
  for (const svg of hostile) assert.equal(isInlineSafeSvg(svg), false, svg);
});
