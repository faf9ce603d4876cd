import type { Credentials } from './credentials.js';
import { NotLoggedIn } from './errors.js';

/** The credentials of the current session: set by each login, read by every part that calls the server. */
export class CredentialSlot {
  current: Credentials | undefined;
  /** webwxinit's InviteStartCount: rooms this large take invitations only (addmember is refused). */
  inviteStartCount = 40;

  /** The credentials, or NotLoggedIn naming the endpoint that needed them. */
  require(endpoint: string): Credentials {
    if (!this.current) throw new NotLoggedIn(endpoint);
    return this.current;
  }

  /** Which session a journaled send was made in (`uin:sid`); '' before any login. */
  tag(): string {
    const c = this.current;
    return c ? `${c.uin}:${c.sid}` : '';
  }
}
