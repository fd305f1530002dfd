/**
 * tim-archive: the headless command line. Runs on plain Node (no Electron).
 *
 * Each command's module is loaded when that command runs: `pull` does not parse the export
 * writers, the report or the app's web server at start (docs/dev/benchmarks.md, issue 19).
 */
import { UsageError, refuseSecretsInArgv } from './env-creds'
import { packageVersion } from './version'

async function help(): Promise<string> {
  const [{ pullHelp }, { dbHelp }, { exportHelp }, { reportHelp }, { searchHelp }, { usersigHelp }, { serveHelp }, { listenHelp }] = await Promise.all([
    import('./pull'),
    import('./db'),
    import('./export'),
    import('./report'),
    import('./search'),
    import('./usersig'),
    import('./serve'),
    import('./listen')
  ])
  return `tim-archive — archive Tencent Cloud IM group history on your own machine

Commands:
  pull      pull group histories into a JSON Lines archive, or PostgreSQL with --db (resumable, incremental)
  db        db migrate: create or upgrade the team archive's schema in PostgreSQL
  listen    receive Tencent IM's message callbacks into PostgreSQL (real time, AVChatRoom too)
  export    export an archive to HTML, JSON, JSON Lines, CSV, TXT or Markdown
  report    the health of an archive: coverage, holes, deleted / recalled / expired, removed later
  search    search the team archive in PostgreSQL with the app's query language
  usersig   print a fresh UserSig for an identifier
  serve     run the app in your browser (http://127.0.0.1:5180)

Run "tim-archive <command> --help" for details; "tim-archive --version" prints the version.

${pullHelp}

${dbHelp}

${listenHelp}

${exportHelp}

${reportHelp}

${searchHelp}

${usersigHelp}

${serveHelp}
`
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv
  try {
    refuseSecretsInArgv(rest)
    switch (command) {
      case 'pull':
        return await (await import('./pull')).runPull(rest, env)
      case 'db':
        return await (await import('./db')).runDb(rest)
      case 'listen':
        return await (await import('./listen')).runListen(rest, env)
      case 'report':
        return await (await import('./report')).runReport(rest)
      case 'export':
        return await (await import('./export')).runExportCommand(rest, env)
      case 'search':
        return await (await import('./search')).runSearch(rest)
      case 'usersig':
        return (await import('./usersig')).runUsersig(rest, env)
      case 'serve':
        return await (await import('./serve')).runServe(rest, env)
      case '--version':
      case '-v':
      case 'version':
        process.stdout.write(`${packageVersion()}\n`)
        return 0
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(await help())
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
