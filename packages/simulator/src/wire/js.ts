/** The `window.*` JavaScript bodies of the login host and of synccheck. */

export function jsloginBody(code: number, uuid: string): string {
  return `window.QRLogin.code = ${code}; window.QRLogin.uuid = "${uuid}";`;
}

export function loginPollBody(code: number, extra?: { avatar?: string; redirectUri?: string }): string {
  let body = `window.code=${code};`;
  if (extra?.avatar !== undefined) body += `window.userAvatar = '${extra.avatar}';`;
  if (extra?.redirectUri !== undefined) body += `window.redirect_uri="${extra.redirectUri}";`;
  return body;
}

export function synccheckBody(retcode: string | number, selector: string | number): string {
  return `window.synccheck={retcode:"${retcode}",selector:"${selector}"}`;
}

export function pushLoginBody(ret: string, msg: string, uuid?: string): string {
  const uuidPart = uuid === undefined ? '' : `,"uuid":"${uuid}"`;
  return `{"ret":"${ret}","msg":"${msg}"${uuidPart}}`;
}
