/**
 * tim-archive: the headless command line. Runs on plain Node (no Electron).
 */
import { UsageError, refuseSecretsInArgv } from './env-creds'
import { dbHelp, runDb } from './db'
import { exportHelp, runExportCommand } from './export'
import { listenHelp, runListen } from './listen'
import { packageVersion } from './version'
import { pullHelp, runPull } from './pull'
import { reportHelp, runReport } from './report'
import { runServe, serveHelp } from './serve'
import { runUsersig, usersigHelp } from './usersig'

const help = `tim-archive — archive Tencent Cloud IM group history on your own machine

Commands:
  pull      pull group histories into a JSON Lines archive, or PostgreSQL with --db (resumable, incremental)
  db        db migrate: create or upgrade the team archive's schema in PostgreSQL
  listen    receive Tencent IM's message callbacks into PostgreSQL (real time, AVChatRoom too)
  export    export an archive to HTML, JSON, JSON Lines, CSV, TXT or Markdown
  report    the health of an archive: coverage, holes, deleted / recalled / expired, removed later
  usersig   print a fresh UserSig for an identifier
  serve     run the app in your browser (http://127.0.0.1:5180)

Run "tim-archive <command> --help" for details; "tim-archive --version" prints the version.

${pullHelp}

${dbHelp}

${listenHelp}

${exportHelp}

${reportHelp}

${usersigHelp}

${serveHelp}
`

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv
  try {
    refuseSecretsInArgv(rest)
    switch (command) {
      case 'pull':
        return await runPull(rest, env)
      case 'db':
        return await runDb(rest)
      case 'listen':
        return await runListen(rest, env)
      case 'report':
        return await runReport(rest)
      case 'export':
        return await runExportCommand(rest, env)
      case 'usersig':
        return runUsersig(rest, env)
      case 'serve':
        return await runServe(rest, env)
      case '--version':
      case '-v':
      case 'version':
        process.stdout.write(`${packageVersion()}\n`)
        return 0
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(help)
        return command === undefined ? 2 : 0
      default:
        throw new UsageError(`Unknown command "${command}". Run "tim-archive --help".`)
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`tim-archive: ${(e as Error).message}\n`)
      return 2
    }
    process.stderr.write(`tim-archive: ${e instanceof Error ? e.message : String(e)}\n`)
    return 1
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`tim-archive: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exitCode = 1
  }
)
