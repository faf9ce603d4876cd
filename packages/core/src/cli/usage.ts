export const MAIN_USAGE = `wxbot — run a WeChat bot made of plugins

Usage: wxbot <command> [options]

Commands:
  start [--simulator]                     run the bot (scan a QR code, or use the built-in simulator)
  chat [--plugins] [--simulator]          chat as the account in the terminal (plugins off by default)
  login                                   log in and save the session, then exit
  logout                                  log the saved session out and forget it
  init [--dir <path>] [--no-install]      create a bot project (config, sample plugin, tests) and install it
  plugin new <name> [--dir <path>]        create a publishable plugin package
  worker [--redis <url>] [--capacity <n>] serve a share of the config's accounts in a cluster
  accounts [--redis <url>]                list the cluster's accounts, owners and states

Options of start, chat, login and logout:
  --config <path>                         the config file (default: bot.config.ts, found upwards)
  --data-dir <path>                       where the session and plugin data live (overrides
                                          account.dataDir; relative to the current directory)
  --log-level <level>                     trace, debug, info, warn, error, fatal or silent
                                          (overrides logging.level)
  --account <name>                        one account of a config with \`accounts: [...]\`
                                          (chat, login and logout need it when there are several)

Options:
  --verbose                               stack traces with errors (any command)
  --help, -h                              help for wxbot or for a command (wxbot start --help)
  --version, -v                           print the version

Start here: \`wxbot start --simulator\` runs your bot.config.ts against a simulated
WeChat on this machine, with a chat prompt to talk to it.
`;

export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  start: `Usage: wxbot start [--config <path>] [--data-dir <path>] [--log-level <level>] [--account <name>] [--simulator]

Runs the bot described by bot.config.ts (found from the current directory
upwards, up to the directory holding package.json; --config picks a file).
Without a config it starts nothing, --simulator included: it names where it
looked and exits 1 (\`wxbot init\` makes one). Plugins are resolved and their
options checked before logging in; every problem is reported at once.

Without --simulator the bot logs in to WeChat: a saved session is resumed,
else your phone is asked to confirm, else a QR code is shown to scan.

  --config <path>      the config file (bot.config.ts, .js, .mjs, .json)
  --data-dir <path>    session, journals and plugin data (overrides account.dataDir)
  --log-level <level>  trace|debug|info|warn|error|fatal|silent (overrides logging.level)
  --account <name>     with \`accounts: [...]\`, run only this account (default: all of them,
                       side by side; one failing never stops the others)
  --simulator          run against an in-process simulated WeChat with a few friends
                       and rooms; prints its control API URL and, in a terminal,
                       opens a chat prompt to talk to the bot as a simulated friend

Stop with Ctrl+C: polling stops, queued messages are sent, the session is saved.
`,
  login: `Usage: wxbot login [--config <path>] [--data-dir <path>] [--log-level <level>] [--account <name>]

Logs the configured account in (saved session, phone confirmation or QR code),
saves the session under the data directory and exits. \`wxbot start\` then
resumes it without scanning. With \`accounts: [...]\` in the config, --account
names the one to log in (needed when there are several).
`,
  chat: `Usage: wxbot chat [--config <path>] [--data-dir <path>] [--log-level <level>] [--account <name>] [--plugins] [--simulator]

The terminal chat view of the configured account: messages arriving are shown
by chat as they come, and what you type is sent AS THE ACCOUNT to the chat you
picked (.to <name>, .r for the last one who wrote, .chats, .help, .quit).
The config's plugins do not run unless --plugins: you are the one answering.
Works for Web WeChat and iLink accounts. The log goes to stderr.

  --account <name>     with \`accounts: [...]\`, the account to chat as (needed when
                       there are several)
  --plugins            run the config's plugins as well
  --simulator          chat as a simulated account (a simulated WeChat on this
                       machine); prints how to make a friend write to it
  --config, --data-dir, --log-level: as for \`wxbot start\`

Stop with .quit, Ctrl+D or Ctrl+C: queued messages are sent, the session is saved.
`,
  logout: `Usage: wxbot logout [--config <path>] [--data-dir <path>] [--log-level <level>] [--account <name>]

Logs the saved session out on the server and deletes it locally. Plugin data
is kept. Only errors are logged unless --log-level asks for more.
`,
  init: `Usage: wxbot init [--dir <path>] [--no-install]

Creates a bot project in the directory (default: the current one): package.json
(scripts start, dev, test), tsconfig.json, .gitignore (keeps the data dir with
the session out of git), bot.config.ts, plugins/hello.ts and its test; then
installs with the package manager that ran it (npm, pnpm or yarn).
Existing files are never overwritten. Also: npm create wxbot@latest <dir>.

  --dir <path>      where to create the project
  --no-install      write the files only

Then: npm run dev (the bot against a simulated WeChat).
`,
  worker: `Usage: wxbot worker [--config <path>] [--redis <url>] [--capacity <n>] [--id <name>] [--root <prefix>]

Joins a cluster of workers sharing the accounts of bot.config.ts (needs
@wxbot/store-redis). Each account is held by one worker at a time under a
lease in Redis; every state write is fenced by it. A worker takes free
accounts up to its fair share (accounts / live workers, at most --capacity);
when a worker dies its accounts are taken over within about 15 s and resume
from the stored session (no QR scan). An account never logged in shows its QR
code on the worker that takes it.

  --redis <url>        redis://[user:pass@]host:port[/db] (default REDIS_URL, else redis://127.0.0.1:6379)
  --capacity <n>       at most n accounts on this worker (default: no limit)
  --id <name>          this worker's name in \`wxbot accounts\` (default <hostname>-<pid>)
  --root <prefix>      first part of every key (default wxbot): several pools on one Redis
  --log-level <level>  trace|debug|info|warn|error|fatal|silent (overrides logging.level)

Stop with Ctrl+C: its accounts are stopped cleanly and handed to the other workers.
`,
  accounts: `Usage: wxbot accounts [--redis <url>] [--root <prefix>]

Lists every account of the cluster in Redis: the worker that owns it, its
state (starting, running, failed, free), its last activity and how often it
changed hands. Needs @wxbot/store-redis.
`,
  plugin: `Usage: wxbot plugin new <name> [--dir <path>]

Creates a publishable plugin package in ./wxbot-plugin-<name> (or --dir):
package.json (@wxbot/core as a peer dependency, the "wxbot-plugin" keyword),
tsconfig.json, src/index.ts, a test using @wxbot/core/testing and a README.
Users then list it in bot.config.ts as '<name>' or 'wxbot-plugin-<name>'.
`,
};
