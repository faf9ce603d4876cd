import { maskSecrets } from '../../src/app/mask.js';

test('session values are masked in every shape a log line carries them', () => {
  const line =
    'GET /cgi-bin/mmwebwx-bin/webwxinit?r=1&skey=%40crypt_ab12&pass_ticket=PT%2Bx uin=12345 ' +
    '{"Sid":"SID9","Skey":"@crypt_cd34","wxuin":678} cookie: webwx_data_ticket=DT1; wxsid=WS2 ' +
    'authorization: Bearer tok.en-1 uuid=QRUUID==';
  const masked = maskSecrets(line);
  for (const secret of ['ab12', 'PT%2Bx', '12345', 'SID9', 'cd34', '678', 'DT1', 'WS2', 'tok.en-1', 'QRUUID'])
    expect(masked).not.toContain(secret);
  expect(masked).toContain('skey=***');
  expect(masked).toContain('"Sid":"***"');
  expect(masked).toContain('r=1');
});

test('text without secrets is left as it is', () => {
  const line = 'sent "hello" to Alice (3 ms), retcode 0';
  expect(maskSecrets(line)).toBe(line);
});
