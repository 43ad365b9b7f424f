# e2b-ts powershell completion — generated from the command tree by `e2b-ts completion powershell`; do not edit
#
# Install: e2b-ts completion powershell | Out-String | Invoke-Expression   # in $PROFILE

Register-ArgumentCompleter -Native -CommandName 'e2b-ts' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $ordinal = [System.StringComparer]::Ordinal
    # "KEY|WORD" -> the subcommand of command KEY named WORD
    $children = [System.Collections.Generic.Dictionary[string, string]]::new($ordinal)
    $children['e2b-ts|auth'] = 'e2b-ts auth'
    $children['e2b-ts|completion'] = 'e2b-ts completion'
    $children['e2b-ts|exec'] = 'e2b-ts exec'
    $children['e2b-ts|fs'] = 'e2b-ts fs'
    $children['e2b-ts|git'] = 'e2b-ts git'
    $children['e2b-ts|help'] = 'e2b-ts help'
    $children['e2b-ts|local'] = 'e2b-ts local'
    $children['e2b-ts|proc'] = 'e2b-ts proc'
    $children['e2b-ts|pty'] = 'e2b-ts pty'
    $children['e2b-ts|run'] = 'e2b-ts run'
    $children['e2b-ts|sandbox'] = 'e2b-ts sandbox'
    $children['e2b-ts|sbx'] = 'e2b-ts sandbox'
    $children['e2b-ts|volume'] = 'e2b-ts volume'
    $children['e2b-ts auth|help'] = 'e2b-ts auth help'
    $children['e2b-ts auth|login'] = 'e2b-ts auth login'
    $children['e2b-ts auth|logout'] = 'e2b-ts auth logout'
    $children['e2b-ts auth|profiles'] = 'e2b-ts auth profiles'
    $children['e2b-ts auth|profile'] = 'e2b-ts auth profiles'
    $children['e2b-ts auth|status'] = 'e2b-ts auth status'
    $children['e2b-ts auth profiles|help'] = 'e2b-ts auth profiles help'
    $children['e2b-ts auth profiles|ls'] = 'e2b-ts auth profiles ls'
    $children['e2b-ts auth profiles|list'] = 'e2b-ts auth profiles ls'
    $children['e2b-ts auth profiles|rm'] = 'e2b-ts auth profiles rm'
    $children['e2b-ts auth profiles|remove'] = 'e2b-ts auth profiles rm'
    $children['e2b-ts auth profiles|use'] = 'e2b-ts auth profiles use'
    $children['e2b-ts fs|cat'] = 'e2b-ts fs cat'
    $children['e2b-ts fs|cp'] = 'e2b-ts fs cp'
    $children['e2b-ts fs|help'] = 'e2b-ts fs help'
    $children['e2b-ts fs|ls'] = 'e2b-ts fs ls'
    $children['e2b-ts fs|mkdir'] = 'e2b-ts fs mkdir'
    $children['e2b-ts fs|mv'] = 'e2b-ts fs mv'
    $children['e2b-ts fs|rm'] = 'e2b-ts fs rm'
    $children['e2b-ts fs|stat'] = 'e2b-ts fs stat'
    $children['e2b-ts fs|url'] = 'e2b-ts fs url'
    $children['e2b-ts fs|watch'] = 'e2b-ts fs watch'
    $children['e2b-ts fs|write'] = 'e2b-ts fs write'
    $children['e2b-ts git|add'] = 'e2b-ts git add'
    $children['e2b-ts git|branch'] = 'e2b-ts git branch'
    $children['e2b-ts git|checkout'] = 'e2b-ts git checkout'
    $children['e2b-ts git|clone'] = 'e2b-ts git clone'
    $children['e2b-ts git|commit'] = 'e2b-ts git commit'
    $children['e2b-ts git|config'] = 'e2b-ts git config'
    $children['e2b-ts git|help'] = 'e2b-ts git help'
    $children['e2b-ts git|init'] = 'e2b-ts git init'
    $children['e2b-ts git|pull'] = 'e2b-ts git pull'
    $children['e2b-ts git|push'] = 'e2b-ts git push'
    $children['e2b-ts git|remote'] = 'e2b-ts git remote'
    $children['e2b-ts git|reset'] = 'e2b-ts git reset'
    $children['e2b-ts git|restore'] = 'e2b-ts git restore'
    $children['e2b-ts git|status'] = 'e2b-ts git status'
    $children['e2b-ts git branch|create'] = 'e2b-ts git branch create'
    $children['e2b-ts git branch|delete'] = 'e2b-ts git branch delete'
    $children['e2b-ts git branch|help'] = 'e2b-ts git branch help'
    $children['e2b-ts git branch|ls'] = 'e2b-ts git branch ls'
    $children['e2b-ts git branch|list'] = 'e2b-ts git branch ls'
    $children['e2b-ts git config|get'] = 'e2b-ts git config get'
    $children['e2b-ts git config|help'] = 'e2b-ts git config help'
    $children['e2b-ts git config|set'] = 'e2b-ts git config set'
    $children['e2b-ts git remote|add'] = 'e2b-ts git remote add'
    $children['e2b-ts git remote|get'] = 'e2b-ts git remote get'
    $children['e2b-ts git remote|help'] = 'e2b-ts git remote help'
    $children['e2b-ts local|env'] = 'e2b-ts local env'
    $children['e2b-ts local|help'] = 'e2b-ts local help'
    $children['e2b-ts local|logs'] = 'e2b-ts local logs'
    $children['e2b-ts local|start'] = 'e2b-ts local start'
    $children['e2b-ts local|status'] = 'e2b-ts local status'
    $children['e2b-ts local|stop'] = 'e2b-ts local stop'
    $children['e2b-ts proc|attach'] = 'e2b-ts proc attach'
    $children['e2b-ts proc|help'] = 'e2b-ts proc help'
    $children['e2b-ts proc|kill'] = 'e2b-ts proc kill'
    $children['e2b-ts proc|ls'] = 'e2b-ts proc ls'
    $children['e2b-ts proc|list'] = 'e2b-ts proc ls'
    $children['e2b-ts proc|stdin'] = 'e2b-ts proc stdin'
    $children['e2b-ts pty|attach'] = 'e2b-ts pty attach'
    $children['e2b-ts pty|help'] = 'e2b-ts pty help'
    $children['e2b-ts pty|kill'] = 'e2b-ts pty kill'
    $children['e2b-ts pty|ls'] = 'e2b-ts pty ls'
    $children['e2b-ts pty|list'] = 'e2b-ts pty ls'
    $children['e2b-ts sandbox|connect'] = 'e2b-ts sandbox connect'
    $children['e2b-ts sandbox|create'] = 'e2b-ts sandbox create'
    $children['e2b-ts sandbox|help'] = 'e2b-ts sandbox help'
    $children['e2b-ts sandbox|info'] = 'e2b-ts sandbox info'
    $children['e2b-ts sandbox|kill'] = 'e2b-ts sandbox kill'
    $children['e2b-ts sandbox|rm'] = 'e2b-ts sandbox kill'
    $children['e2b-ts sandbox|logs'] = 'e2b-ts sandbox logs'
    $children['e2b-ts sandbox|ls'] = 'e2b-ts sandbox ls'
    $children['e2b-ts sandbox|list'] = 'e2b-ts sandbox ls'
    $children['e2b-ts sandbox|metrics'] = 'e2b-ts sandbox metrics'
    $children['e2b-ts sandbox|network'] = 'e2b-ts sandbox network'
    $children['e2b-ts sandbox|pause'] = 'e2b-ts sandbox pause'
    $children['e2b-ts sandbox|port-forward'] = 'e2b-ts sandbox port-forward'
    $children['e2b-ts sandbox|resume'] = 'e2b-ts sandbox resume'
    $children['e2b-ts sandbox|snapshot'] = 'e2b-ts sandbox snapshot'
    $children['e2b-ts sandbox|timeout'] = 'e2b-ts sandbox timeout'
    $children['e2b-ts sandbox|url'] = 'e2b-ts sandbox url'
    $children['e2b-ts sandbox snapshot|create'] = 'e2b-ts sandbox snapshot create'
    $children['e2b-ts sandbox snapshot|help'] = 'e2b-ts sandbox snapshot help'
    $children['e2b-ts sandbox snapshot|ls'] = 'e2b-ts sandbox snapshot ls'
    $children['e2b-ts sandbox snapshot|list'] = 'e2b-ts sandbox snapshot ls'
    $children['e2b-ts sandbox snapshot|rm'] = 'e2b-ts sandbox snapshot rm'
    $children['e2b-ts sandbox snapshot|delete'] = 'e2b-ts sandbox snapshot rm'
    $children['e2b-ts volume|cat'] = 'e2b-ts volume cat'
    $children['e2b-ts volume|cp'] = 'e2b-ts volume cp'
    $children['e2b-ts volume|create'] = 'e2b-ts volume create'
    $children['e2b-ts volume|help'] = 'e2b-ts volume help'
    $children['e2b-ts volume|info'] = 'e2b-ts volume info'
    $children['e2b-ts volume|ls'] = 'e2b-ts volume ls'
    $children['e2b-ts volume|list'] = 'e2b-ts volume ls'
    $children['e2b-ts volume|mkdir'] = 'e2b-ts volume mkdir'
    $children['e2b-ts volume|rm'] = 'e2b-ts volume rm'
    $children['e2b-ts volume|write'] = 'e2b-ts volume write'

    # "KEY|FLAG" of the options that take a value ("*|FLAG": global options)
    $valueFlags = [System.Collections.Generic.HashSet[string]]::new($ordinal)
    [void]$valueFlags.Add('e2b-ts auth login|--team')
    [void]$valueFlags.Add('e2b-ts exec|--cwd')
    [void]$valueFlags.Add('e2b-ts exec|--env')
    [void]$valueFlags.Add('e2b-ts exec|--shell')
    [void]$valueFlags.Add('e2b-ts exec|--timeout')
    [void]$valueFlags.Add('e2b-ts exec|--user')
    [void]$valueFlags.Add('e2b-ts fs cat|--user')
    [void]$valueFlags.Add('e2b-ts fs cp|--links')
    [void]$valueFlags.Add('e2b-ts fs cp|--parallel')
    [void]$valueFlags.Add('e2b-ts fs cp|--user')
    [void]$valueFlags.Add('e2b-ts fs ls|--depth')
    [void]$valueFlags.Add('e2b-ts fs ls|--user')
    [void]$valueFlags.Add('e2b-ts fs mkdir|--user')
    [void]$valueFlags.Add('e2b-ts fs mv|--user')
    [void]$valueFlags.Add('e2b-ts fs rm|--user')
    [void]$valueFlags.Add('e2b-ts fs stat|--user')
    [void]$valueFlags.Add('e2b-ts fs url|--expires')
    [void]$valueFlags.Add('e2b-ts fs url|--user')
    [void]$valueFlags.Add('e2b-ts fs watch|--user')
    [void]$valueFlags.Add('e2b-ts fs write|--user')
    [void]$valueFlags.Add('e2b-ts git add|--timeout')
    [void]$valueFlags.Add('e2b-ts git add|--user')
    [void]$valueFlags.Add('e2b-ts git branch create|--timeout')
    [void]$valueFlags.Add('e2b-ts git branch create|--user')
    [void]$valueFlags.Add('e2b-ts git branch delete|--timeout')
    [void]$valueFlags.Add('e2b-ts git branch delete|--user')
    [void]$valueFlags.Add('e2b-ts git branch ls|--timeout')
    [void]$valueFlags.Add('e2b-ts git branch ls|--user')
    [void]$valueFlags.Add('e2b-ts git checkout|--timeout')
    [void]$valueFlags.Add('e2b-ts git checkout|--user')
    [void]$valueFlags.Add('e2b-ts git clone|--branch')
    [void]$valueFlags.Add('e2b-ts git clone|--depth')
    [void]$valueFlags.Add('e2b-ts git clone|--timeout')
    [void]$valueFlags.Add('e2b-ts git clone|--user')
    [void]$valueFlags.Add('e2b-ts git clone|--username')
    [void]$valueFlags.Add('e2b-ts git commit|--author')
    [void]$valueFlags.Add('e2b-ts git commit|-m')
    [void]$valueFlags.Add('e2b-ts git commit|--message')
    [void]$valueFlags.Add('e2b-ts git commit|--timeout')
    [void]$valueFlags.Add('e2b-ts git commit|--user')
    [void]$valueFlags.Add('e2b-ts git config get|--scope')
    [void]$valueFlags.Add('e2b-ts git config get|--timeout')
    [void]$valueFlags.Add('e2b-ts git config get|--user')
    [void]$valueFlags.Add('e2b-ts git config set|--scope')
    [void]$valueFlags.Add('e2b-ts git config set|--timeout')
    [void]$valueFlags.Add('e2b-ts git config set|--user')
    [void]$valueFlags.Add('e2b-ts git init|--initial-branch')
    [void]$valueFlags.Add('e2b-ts git init|--timeout')
    [void]$valueFlags.Add('e2b-ts git init|--user')
    [void]$valueFlags.Add('e2b-ts git pull|--branch')
    [void]$valueFlags.Add('e2b-ts git pull|--remote')
    [void]$valueFlags.Add('e2b-ts git pull|--timeout')
    [void]$valueFlags.Add('e2b-ts git pull|--user')
    [void]$valueFlags.Add('e2b-ts git pull|--username')
    [void]$valueFlags.Add('e2b-ts git push|--branch')
    [void]$valueFlags.Add('e2b-ts git push|--remote')
    [void]$valueFlags.Add('e2b-ts git push|--timeout')
    [void]$valueFlags.Add('e2b-ts git push|--user')
    [void]$valueFlags.Add('e2b-ts git push|--username')
    [void]$valueFlags.Add('e2b-ts git remote add|--timeout')
    [void]$valueFlags.Add('e2b-ts git remote add|--user')
    [void]$valueFlags.Add('e2b-ts git remote get|--timeout')
    [void]$valueFlags.Add('e2b-ts git remote get|--user')
    [void]$valueFlags.Add('e2b-ts git reset|--timeout')
    [void]$valueFlags.Add('e2b-ts git reset|--user')
    [void]$valueFlags.Add('e2b-ts git restore|--source')
    [void]$valueFlags.Add('e2b-ts git restore|--timeout')
    [void]$valueFlags.Add('e2b-ts git restore|--user')
    [void]$valueFlags.Add('e2b-ts git status|--timeout')
    [void]$valueFlags.Add('e2b-ts git status|--user')
    [void]$valueFlags.Add('e2b-ts local env|--shell')
    [void]$valueFlags.Add('e2b-ts local logs|-n')
    [void]$valueFlags.Add('e2b-ts local logs|--lines')
    [void]$valueFlags.Add('e2b-ts local start|--port')
    [void]$valueFlags.Add('e2b-ts proc kill|-s')
    [void]$valueFlags.Add('e2b-ts proc kill|--signal')
    [void]$valueFlags.Add('e2b-ts pty attach|--cmd')
    [void]$valueFlags.Add('e2b-ts pty attach|--cwd')
    [void]$valueFlags.Add('e2b-ts pty attach|--detach-keys')
    [void]$valueFlags.Add('e2b-ts pty attach|--env')
    [void]$valueFlags.Add('e2b-ts pty attach|--pid')
    [void]$valueFlags.Add('e2b-ts pty attach|--user')
    [void]$valueFlags.Add('e2b-ts run|--cwd')
    [void]$valueFlags.Add('e2b-ts run|--env')
    [void]$valueFlags.Add('e2b-ts run|--metadata')
    [void]$valueFlags.Add('e2b-ts run|--shell')
    [void]$valueFlags.Add('e2b-ts run|--template')
    [void]$valueFlags.Add('e2b-ts run|--timeout')
    [void]$valueFlags.Add('e2b-ts run|--user')
    [void]$valueFlags.Add('e2b-ts run|--volume')
    [void]$valueFlags.Add('e2b-ts sandbox connect|--cmd')
    [void]$valueFlags.Add('e2b-ts sandbox connect|--cwd')
    [void]$valueFlags.Add('e2b-ts sandbox connect|--detach-keys')
    [void]$valueFlags.Add('e2b-ts sandbox connect|--env')
    [void]$valueFlags.Add('e2b-ts sandbox connect|--pid')
    [void]$valueFlags.Add('e2b-ts sandbox connect|--user')
    [void]$valueFlags.Add('e2b-ts sandbox create|--allow-out')
    [void]$valueFlags.Add('e2b-ts sandbox create|--deny-out')
    [void]$valueFlags.Add('e2b-ts sandbox create|--env')
    [void]$valueFlags.Add('e2b-ts sandbox create|--metadata')
    [void]$valueFlags.Add('e2b-ts sandbox create|--on-timeout')
    [void]$valueFlags.Add('e2b-ts sandbox create|--timeout')
    [void]$valueFlags.Add('e2b-ts sandbox create|--volume')
    [void]$valueFlags.Add('e2b-ts sandbox kill|--metadata')
    [void]$valueFlags.Add('e2b-ts sandbox kill|--state')
    [void]$valueFlags.Add('e2b-ts sandbox ls|--limit')
    [void]$valueFlags.Add('e2b-ts sandbox ls|--metadata')
    [void]$valueFlags.Add('e2b-ts sandbox ls|--state')
    [void]$valueFlags.Add('e2b-ts sandbox ls|--template')
    [void]$valueFlags.Add('e2b-ts sandbox network|--allow-out')
    [void]$valueFlags.Add('e2b-ts sandbox network|--deny-out')
    [void]$valueFlags.Add('e2b-ts sandbox resume|--timeout')
    [void]$valueFlags.Add('e2b-ts sandbox snapshot create|--name')
    [void]$valueFlags.Add('e2b-ts sandbox snapshot ls|--limit')
    [void]$valueFlags.Add('e2b-ts sandbox snapshot ls|--sandbox')
    [void]$valueFlags.Add('e2b-ts volume ls|--depth')
    [void]$valueFlags.Add('*|--api-key')
    [void]$valueFlags.Add('*|--api-url')
    [void]$valueFlags.Add('*|--domain')
    [void]$valueFlags.Add('*|--profile')
    # "KEY|FLAG" of own options without a value that share a flag with a global option
    $ownFlags = [System.Collections.Generic.HashSet[string]]::new($ordinal)

    # "KEY|FLAG" -> the values of an option ("*|FLAG": global options)
    $choices = [System.Collections.Generic.Dictionary[string, string[]]]::new($ordinal)
    $choices['e2b-ts fs cp|--links'] = @('auto', 'copy', 'fail', 'skip')
    $choices['e2b-ts git config get|--scope'] = @('global', 'local', 'system')
    $choices['e2b-ts git config set|--scope'] = @('global', 'local', 'system')
    $choices['e2b-ts local env|--shell'] = @('dotenv', 'fish', 'powershell', 'sh')
    $choices['e2b-ts sandbox create|--on-timeout'] = @('kill', 'pause')

    # KEY -> the subcommands of command KEY, or the values of its first argument
    $words = [System.Collections.Generic.Dictionary[string, string[]]]::new($ordinal)
    $words['e2b-ts'] = @(
        'auth'
        'completion'
        'exec'
        'fs'
        'git'
        'help'
        'local'
        'proc'
        'pty'
        'run'
        'sandbox'
        'sbx'
        'volume'
    )
    $words['e2b-ts auth'] = @('help', 'login', 'logout', 'profile', 'profiles', 'status')
    $words['e2b-ts auth help'] = @('login', 'logout', 'profiles', 'status')
    $words['e2b-ts auth profiles'] = @('help', 'list', 'ls', 'remove', 'rm', 'use')
    $words['e2b-ts auth profiles help'] = @('ls', 'rm', 'use')
    $words['e2b-ts completion'] = @('bash', 'fish', 'powershell', 'zsh')
    $words['e2b-ts fs'] = @('cat', 'cp', 'help', 'ls', 'mkdir', 'mv', 'rm', 'stat', 'url', 'watch', 'write')
    $words['e2b-ts fs help'] = @('cat', 'cp', 'ls', 'mkdir', 'mv', 'rm', 'stat', 'url', 'watch', 'write')
    $words['e2b-ts git'] = @(
        'add'
        'branch'
        'checkout'
        'clone'
        'commit'
        'config'
        'help'
        'init'
        'pull'
        'push'
        'remote'
        'reset'
        'restore'
        'status'
    )
    $words['e2b-ts git branch'] = @('create', 'delete', 'help', 'list', 'ls')
    $words['e2b-ts git branch help'] = @('create', 'delete', 'ls')
    $words['e2b-ts git config'] = @('get', 'help', 'set')
    $words['e2b-ts git config help'] = @('get', 'set')
    $words['e2b-ts git help'] = @(
        'add'
        'branch'
        'checkout'
        'clone'
        'commit'
        'config'
        'init'
        'pull'
        'push'
        'remote'
        'reset'
        'restore'
        'status'
    )
    $words['e2b-ts git remote'] = @('add', 'get', 'help')
    $words['e2b-ts git remote help'] = @('add', 'get')
    $words['e2b-ts help'] = @('auth', 'completion', 'exec', 'fs', 'git', 'local', 'proc', 'pty', 'run', 'sandbox', 'volume')
    $words['e2b-ts local'] = @('env', 'help', 'logs', 'start', 'status', 'stop')
    $words['e2b-ts local help'] = @('env', 'logs', 'start', 'status', 'stop')
    $words['e2b-ts proc'] = @('attach', 'help', 'kill', 'list', 'ls', 'stdin')
    $words['e2b-ts proc help'] = @('attach', 'kill', 'ls', 'stdin')
    $words['e2b-ts pty'] = @('attach', 'help', 'kill', 'list', 'ls')
    $words['e2b-ts pty help'] = @('attach', 'kill', 'ls')
    $words['e2b-ts sandbox'] = @(
        'connect'
        'create'
        'help'
        'info'
        'kill'
        'list'
        'logs'
        'ls'
        'metrics'
        'network'
        'pause'
        'port-forward'
        'resume'
        'rm'
        'snapshot'
        'timeout'
        'url'
    )
    $words['e2b-ts sandbox help'] = @(
        'connect'
        'create'
        'info'
        'kill'
        'logs'
        'ls'
        'metrics'
        'network'
        'pause'
        'port-forward'
        'resume'
        'snapshot'
        'timeout'
        'url'
    )
    $words['e2b-ts sandbox snapshot'] = @('create', 'delete', 'help', 'list', 'ls', 'rm')
    $words['e2b-ts sandbox snapshot help'] = @('create', 'ls', 'rm')
    $words['e2b-ts volume'] = @('cat', 'cp', 'create', 'help', 'info', 'list', 'ls', 'mkdir', 'rm', 'write')
    $words['e2b-ts volume help'] = @('cat', 'cp', 'create', 'info', 'ls', 'mkdir', 'rm', 'write')

    # KEY -> how many of its own words come before the command it runs (exec: the sandbox ID)
    $commandAfter = [System.Collections.Generic.Dictionary[string, int]]::new($ordinal)
    $commandAfter['e2b-ts exec'] = 1
    $commandAfter['e2b-ts run'] = 0

    # KEY -> the options of command KEY ("*": the global ones)
    $options = [System.Collections.Generic.Dictionary[string, string[]]]::new($ordinal)
    $options['e2b-ts'] = @('-h', '--help')
    $options['e2b-ts auth'] = @('-h', '--help')
    $options['e2b-ts auth login'] = @('-h', '--help', '--no-browser', '--team', '--with-token')
    $options['e2b-ts auth logout'] = @('-h', '--help')
    $options['e2b-ts auth profiles'] = @('-h', '--help')
    $options['e2b-ts auth profiles ls'] = @('-h', '--help')
    $options['e2b-ts auth profiles rm'] = @('-h', '--help')
    $options['e2b-ts auth profiles use'] = @('-h', '--help')
    $options['e2b-ts auth status'] = @('-h', '--help')
    $options['e2b-ts completion'] = @('-h', '--help')
    $options['e2b-ts exec'] = @(
        '--background'
        '--cwd'
        '--env'
        '-h'
        '--help'
        '--no-stdin'
        '--shell'
        '--stream'
        '--timeout'
        '--user'
    )
    $options['e2b-ts fs'] = @('-h', '--help')
    $options['e2b-ts fs cat'] = @('-h', '--help', '--user')
    $options['e2b-ts fs cp'] = @('-h', '--help', '--links', '--parallel', '--user')
    $options['e2b-ts fs ls'] = @('--depth', '-h', '--help', '-l', '--long', '--user')
    $options['e2b-ts fs mkdir'] = @('-h', '--help', '-p', '--parents', '--user')
    $options['e2b-ts fs mv'] = @('-h', '--help', '--user')
    $options['e2b-ts fs rm'] = @('-f', '--force', '-h', '--help', '-r', '--recursive', '--user')
    $options['e2b-ts fs stat'] = @('-h', '--help', '--user')
    $options['e2b-ts fs url'] = @('--expires', '-h', '--help', '--upload', '--user')
    $options['e2b-ts fs watch'] = @('-h', '--help', '-r', '--recursive', '--user')
    $options['e2b-ts fs write'] = @('-h', '--help', '--user')
    $options['e2b-ts git'] = @('-h', '--help')
    $options['e2b-ts git add'] = @('-h', '--help', '--no-all', '--timeout', '--user')
    $options['e2b-ts git branch'] = @('-h', '--help')
    $options['e2b-ts git branch create'] = @('-h', '--help', '--timeout', '--user')
    $options['e2b-ts git branch delete'] = @('-f', '--force', '-h', '--help', '--timeout', '--user')
    $options['e2b-ts git branch ls'] = @('-h', '--help', '--timeout', '--user')
    $options['e2b-ts git checkout'] = @('-h', '--help', '--timeout', '--user')
    $options['e2b-ts git clone'] = @(
        '--branch'
        '--depth'
        '-h'
        '--help'
        '--password-stdin'
        '--store-credentials'
        '--timeout'
        '--user'
        '--username'
    )
    $options['e2b-ts git commit'] = @('--allow-empty', '--author', '-h', '--help', '-m', '--message', '--timeout', '--user')
    $options['e2b-ts git config'] = @('-h', '--help')
    $options['e2b-ts git config get'] = @('-h', '--help', '--scope', '--timeout', '--user')
    $options['e2b-ts git config set'] = @('-h', '--help', '--scope', '--timeout', '--user')
    $options['e2b-ts git init'] = @('--bare', '-h', '--help', '--initial-branch', '--timeout', '--user')
    $options['e2b-ts git pull'] = @(
        '--branch'
        '-h'
        '--help'
        '--password-stdin'
        '--remote'
        '--timeout'
        '--user'
        '--username'
    )
    $options['e2b-ts git push'] = @(
        '--branch'
        '-h'
        '--help'
        '--no-set-upstream'
        '--password-stdin'
        '--remote'
        '--timeout'
        '--user'
        '--username'
    )
    $options['e2b-ts git remote'] = @('-h', '--help')
    $options['e2b-ts git remote add'] = @('--fetch', '-h', '--help', '--overwrite', '--timeout', '--user')
    $options['e2b-ts git remote get'] = @('-h', '--help', '--timeout', '--user')
    $options['e2b-ts git reset'] = @('--hard', '-h', '--help', '--keep', '--merge', '--mixed', '--soft', '--timeout', '--user')
    $options['e2b-ts git restore'] = @('-h', '--help', '--source', '--staged', '--timeout', '--user', '--worktree')
    $options['e2b-ts git status'] = @('-h', '--help', '--timeout', '--user')
    $options['e2b-ts local'] = @('-h', '--help')
    $options['e2b-ts local env'] = @('-h', '--help', '--shell')
    $options['e2b-ts local logs'] = @('-f', '--follow', '-h', '--help', '-n', '--lines')
    $options['e2b-ts local start'] = @('--foreground', '-h', '--help', '--port')
    $options['e2b-ts local status'] = @('-h', '--help')
    $options['e2b-ts local stop'] = @('-h', '--help')
    $options['e2b-ts proc'] = @('-h', '--help')
    $options['e2b-ts proc attach'] = @('-h', '--help')
    $options['e2b-ts proc kill'] = @('-h', '--help', '-s', '--signal')
    $options['e2b-ts proc ls'] = @('-h', '--help')
    $options['e2b-ts proc stdin'] = @('-h', '--help', '--no-close')
    $options['e2b-ts pty'] = @('-h', '--help')
    $options['e2b-ts pty attach'] = @('--cmd', '--cwd', '--detach-keys', '--env', '--force-tty', '-h', '--help', '--pid', '--user')
    $options['e2b-ts pty kill'] = @('-h', '--help')
    $options['e2b-ts pty ls'] = @('-h', '--help')
    $options['e2b-ts run'] = @(
        '--cwd'
        '--env'
        '-h'
        '--help'
        '--metadata'
        '--no-internet'
        '--no-secure'
        '--no-stdin'
        '--shell'
        '--stream'
        '--template'
        '--timeout'
        '--user'
        '--volume'
    )
    $options['e2b-ts sandbox'] = @('-h', '--help')
    $options['e2b-ts sandbox connect'] = @('--cmd', '--cwd', '--detach-keys', '--env', '--force-tty', '-h', '--help', '--pid', '--user')
    $options['e2b-ts sandbox create'] = @(
        '--allow-out'
        '--auto-resume'
        '--deny-out'
        '--env'
        '-h'
        '--help'
        '--metadata'
        '--no-internet'
        '--no-public-traffic'
        '--no-secure'
        '--on-timeout'
        '--timeout'
        '--volume'
    )
    $options['e2b-ts sandbox info'] = @('-h', '--help')
    $options['e2b-ts sandbox kill'] = @('--all', '-h', '--help', '--metadata', '--state')
    $options['e2b-ts sandbox logs'] = @('-f', '--follow', '-h', '--help', '--raw')
    $options['e2b-ts sandbox ls'] = @('-h', '--help', '--limit', '--metadata', '--state', '--template')
    $options['e2b-ts sandbox metrics'] = @('-f', '--follow', '-h', '--help')
    $options['e2b-ts sandbox network'] = @('--allow-out', '--deny-out', '-h', '--help', '--no-internet')
    $options['e2b-ts sandbox pause'] = @('-h', '--help', '--no-memory')
    $options['e2b-ts sandbox port-forward'] = @('-h', '--help')
    $options['e2b-ts sandbox resume'] = @('-h', '--help', '--timeout')
    $options['e2b-ts sandbox snapshot'] = @('-h', '--help')
    $options['e2b-ts sandbox snapshot create'] = @('-h', '--help', '--name')
    $options['e2b-ts sandbox snapshot ls'] = @('-h', '--help', '--limit', '--sandbox')
    $options['e2b-ts sandbox snapshot rm'] = @('-h', '--help')
    $options['e2b-ts sandbox timeout'] = @('-h', '--help')
    $options['e2b-ts sandbox url'] = @('-h', '--help')
    $options['e2b-ts volume'] = @('-h', '--help')
    $options['e2b-ts volume cat'] = @('-h', '--help')
    $options['e2b-ts volume cp'] = @('-h', '--help')
    $options['e2b-ts volume create'] = @('-h', '--help')
    $options['e2b-ts volume info'] = @('-h', '--help')
    $options['e2b-ts volume ls'] = @('--depth', '-h', '--help', '-l', '--long')
    $options['e2b-ts volume mkdir'] = @('-h', '--help', '-p', '--parents')
    $options['e2b-ts volume rm'] = @('-h', '--help', '-r', '--recursive')
    $options['e2b-ts volume write'] = @('-h', '--help')
    $options['*'] = @(
        '--api-key'
        '--api-url'
        '--debug'
        '--domain'
        '--json'
        '--local'
        '--no-color'
        '--no-input'
        '--profile'
        '-v'
        '--version'
        '-y'
        '--yes'
    )

    # "KEY|WORD" -> description of a subcommand or option ("*|FLAG": global options)
    $tips = [System.Collections.Generic.Dictionary[string, string]]::new($ordinal)
    $tips['e2b-ts|auth'] = 'Sign in to E2B: login, status, logout, profiles'
    $tips['e2b-ts|completion'] = 'Print a shell completion script (bash, zsh, fish, powershell)'
    $tips['e2b-ts|exec'] = 'Run a command in a sandbox, streaming its output; exits with its exit code'
    $tips['e2b-ts|fs'] = 'Files in sandboxes: copy, list, read, write, watch'
    $tips['e2b-ts|git'] = 'Git in sandboxes: clone, status, commit, push, pull, branches'
    $tips['e2b-ts|help'] = 'show help for a command'
    $tips['e2b-ts|local'] = 'Run the local E2B-compatible backend (offline sandboxes; no account needed)'
    $tips['e2b-ts|proc'] = 'Processes in a sandbox: list, signal, attach to, feed stdin'
    $tips['e2b-ts|pty'] = 'Interactive terminals in sandboxes'
    $tips['e2b-ts|run'] = 'Run a command in a new sandbox that is killed afterwards (like docker run --rm)'
    $tips['e2b-ts|sandbox'] = 'Create, list and manage sandboxes'
    $tips['e2b-ts|sbx'] = 'Create, list and manage sandboxes'
    $tips['e2b-ts|volume'] = 'Volumes: persistent storage that sandboxes mount'
    $tips['e2b-ts|-h'] = 'show help'
    $tips['e2b-ts|--help'] = 'show help'
    $tips['e2b-ts auth|help'] = 'display help for command'
    $tips['e2b-ts auth|login'] = 'Sign in to E2B: through the dashboard in a browser, or with a key or token on stdin (--with-token)'
    $tips['e2b-ts auth|logout'] = 'Forget a profile''s key (the default profile, or --profile NAME); its domain and API URL stay'
    $tips['e2b-ts auth|profiles'] = 'Named sign-ins side by side (accounts, self-hosted domains): ls, use, rm'
    $tips['e2b-ts auth|profile'] = 'Named sign-ins side by side (accounts, self-hosted domains): ls, use, rm'
    $tips['e2b-ts auth|status'] = 'Show which credentials are in effect, where each came from, and whether the key works (exit 4 when it does not)'
    $tips['e2b-ts auth|-h'] = 'display help for command'
    $tips['e2b-ts auth|--help'] = 'display help for command'
    $tips['e2b-ts auth login|-h'] = 'display help for command'
    $tips['e2b-ts auth login|--help'] = 'display help for command'
    $tips['e2b-ts auth login|--no-browser'] = 'print the sign-in URL instead of opening a browser'
    $tips['e2b-ts auth login|--team'] = 'keep this team''s API key instead of the default team''s'
    $tips['e2b-ts auth login|--with-token'] = 'read an API key (e2b_…) or access token (sk_e2b_…) from stdin'
    $tips['e2b-ts auth logout|-h'] = 'display help for command'
    $tips['e2b-ts auth logout|--help'] = 'display help for command'
    $tips['e2b-ts auth profiles|help'] = 'display help for command'
    $tips['e2b-ts auth profiles|ls'] = 'List the profiles of the config file (* marks the default); no secrets are shown or read'
    $tips['e2b-ts auth profiles|list'] = 'List the profiles of the config file (* marks the default); no secrets are shown or read'
    $tips['e2b-ts auth profiles|rm'] = 'Remove profiles: their settings, and their keys from the OS keychain or the config file'
    $tips['e2b-ts auth profiles|remove'] = 'Remove profiles: their settings, and their keys from the OS keychain or the config file'
    $tips['e2b-ts auth profiles|use'] = 'Make a profile the default one (used when no --profile, E2B_TS_PROFILE, --api-key or E2B_API_KEY is given)'
    $tips['e2b-ts auth profiles|-h'] = 'display help for command'
    $tips['e2b-ts auth profiles|--help'] = 'display help for command'
    $tips['e2b-ts auth profiles ls|-h'] = 'display help for command'
    $tips['e2b-ts auth profiles ls|--help'] = 'display help for command'
    $tips['e2b-ts auth profiles rm|-h'] = 'display help for command'
    $tips['e2b-ts auth profiles rm|--help'] = 'display help for command'
    $tips['e2b-ts auth profiles use|-h'] = 'display help for command'
    $tips['e2b-ts auth profiles use|--help'] = 'display help for command'
    $tips['e2b-ts auth status|-h'] = 'display help for command'
    $tips['e2b-ts auth status|--help'] = 'display help for command'
    $tips['e2b-ts completion|-h'] = 'display help for command'
    $tips['e2b-ts completion|--help'] = 'display help for command'
    $tips['e2b-ts exec|--background'] = 'start the command, print its PID and return'
    $tips['e2b-ts exec|--cwd'] = 'working directory (default: the user''s home)'
    $tips['e2b-ts exec|--env'] = 'environment variable (repeatable)'
    $tips['e2b-ts exec|-h'] = 'display help for command'
    $tips['e2b-ts exec|--help'] = 'display help for command'
    $tips['e2b-ts exec|--no-stdin'] = 'do not forward stdin (as ssh -n), even when it is a pipe or file'
    $tips['e2b-ts exec|--shell'] = 'run a shell command line instead of the words after --'
    $tips['e2b-ts exec|--stream'] = 'with --json: one JSON event per line as output arrives (start, stdout, stderr, exit), for output of any size'
    $tips['e2b-ts exec|--timeout'] = 'kill the command after this long (default: no limit)'
    $tips['e2b-ts exec|--user'] = 'sandbox user: user or root (default: user)'
    $tips['e2b-ts fs|cat'] = 'Write a sandbox file''s bytes to stdout'
    $tips['e2b-ts fs|cp'] = 'Copy files and folders between this machine and sandboxes (SANDBOX:PATH), or a tar stream (-)'
    $tips['e2b-ts fs|help'] = 'display help for command'
    $tips['e2b-ts fs|ls'] = 'List a folder in a sandbox'
    $tips['e2b-ts fs|mkdir'] = 'Create a folder (and its parents) in a sandbox'
    $tips['e2b-ts fs|mv'] = 'Move or rename a file or folder within a sandbox (into DESTINATION when it is a folder or ends with /)'
    $tips['e2b-ts fs|rm'] = 'Remove files (and, with -r, folders) in a sandbox'
    $tips['e2b-ts fs|stat'] = 'Show a file or folder in a sandbox'
    $tips['e2b-ts fs|url'] = 'Print a signed URL that downloads (or, with --upload, uploads) one file with plain HTTP'
    $tips['e2b-ts fs|watch'] = 'Print changes under a sandbox folder as they happen, one line each (TYPE PATH), until interrupted'
    $tips['e2b-ts fs|write'] = 'Write stdin to a file in a sandbox (replaced whole when it exists; parents are created)'
    $tips['e2b-ts fs|-h'] = 'display help for command'
    $tips['e2b-ts fs|--help'] = 'display help for command'
    $tips['e2b-ts fs cat|-h'] = 'display help for command'
    $tips['e2b-ts fs cat|--help'] = 'display help for command'
    $tips['e2b-ts fs cat|--user'] = 'sandbox user (decides relative paths and ~)'
    $tips['e2b-ts fs cp|-h'] = 'display help for command'
    $tips['e2b-ts fs cp|--help'] = 'display help for command'
    $tips['e2b-ts fs cp|--links'] = 'symlinks of a download where they cannot be made (default: auto)'
    $tips['e2b-ts fs cp|--parallel'] = 'tar streams in flight at once for folders with many files'
    $tips['e2b-ts fs cp|--user'] = 'sandbox user that reads or writes the files (default: user)'
    $tips['e2b-ts fs ls|--depth'] = 'descend this many levels'
    $tips['e2b-ts fs ls|-h'] = 'display help for command'
    $tips['e2b-ts fs ls|--help'] = 'display help for command'
    $tips['e2b-ts fs ls|-l'] = 'show permissions, owner, size and time'
    $tips['e2b-ts fs ls|--long'] = 'show permissions, owner, size and time'
    $tips['e2b-ts fs ls|--user'] = 'sandbox user (decides relative paths and ~)'
    $tips['e2b-ts fs mkdir|-h'] = 'display help for command'
    $tips['e2b-ts fs mkdir|--help'] = 'display help for command'
    $tips['e2b-ts fs mkdir|-p'] = 'no error when the folder already exists'
    $tips['e2b-ts fs mkdir|--parents'] = 'no error when the folder already exists'
    $tips['e2b-ts fs mkdir|--user'] = 'sandbox user that owns the folder'
    $tips['e2b-ts fs mv|-h'] = 'display help for command'
    $tips['e2b-ts fs mv|--help'] = 'display help for command'
    $tips['e2b-ts fs mv|--user'] = 'sandbox user (decides relative paths and ~)'
    $tips['e2b-ts fs rm|-f'] = 'no error when a path does not exist'
    $tips['e2b-ts fs rm|--force'] = 'no error when a path does not exist'
    $tips['e2b-ts fs rm|-h'] = 'display help for command'
    $tips['e2b-ts fs rm|--help'] = 'display help for command'
    $tips['e2b-ts fs rm|-r'] = 'remove folders and everything in them'
    $tips['e2b-ts fs rm|--recursive'] = 'remove folders and everything in them'
    $tips['e2b-ts fs rm|--user'] = 'sandbox user (decides relative paths and ~)'
    $tips['e2b-ts fs stat|-h'] = 'display help for command'
    $tips['e2b-ts fs stat|--help'] = 'display help for command'
    $tips['e2b-ts fs stat|--user'] = 'sandbox user (decides relative paths and ~)'
    $tips['e2b-ts fs url|--expires'] = 'the URL stops working after this long (secured sandboxes)'
    $tips['e2b-ts fs url|-h'] = 'display help for command'
    $tips['e2b-ts fs url|--help'] = 'display help for command'
    $tips['e2b-ts fs url|--upload'] = 'a URL to POST the file to (multipart, form field "file")'
    $tips['e2b-ts fs url|--user'] = 'sandbox user the URL acts as'
    $tips['e2b-ts fs watch|-h'] = 'display help for command'
    $tips['e2b-ts fs watch|--help'] = 'display help for command'
    $tips['e2b-ts fs watch|-r'] = 'include subfolders'
    $tips['e2b-ts fs watch|--recursive'] = 'include subfolders'
    $tips['e2b-ts fs watch|--user'] = 'sandbox user (decides relative paths and ~)'
    $tips['e2b-ts fs write|-h'] = 'display help for command'
    $tips['e2b-ts fs write|--help'] = 'display help for command'
    $tips['e2b-ts fs write|--user'] = 'sandbox user that owns the file'
    $tips['e2b-ts git|add'] = 'Stage changes for the next commit'
    $tips['e2b-ts git|branch'] = 'List, create and delete branches (`git branch ID[:PATH]` lists)'
    $tips['e2b-ts git|checkout'] = 'Switch to a branch'
    $tips['e2b-ts git|clone'] = 'Clone a repository into a sandbox'
    $tips['e2b-ts git|commit'] = 'Commit the staged changes; prints the new commit''s sha'
    $tips['e2b-ts git|config'] = 'Read and write git configuration'
    $tips['e2b-ts git|help'] = 'display help for command'
    $tips['e2b-ts git|init'] = 'Create a repository (the folder is created when missing)'
    $tips['e2b-ts git|pull'] = 'Fetch from a remote and merge into the current branch'
    $tips['e2b-ts git|push'] = 'Push commits to a remote'
    $tips['e2b-ts git|remote'] = 'Add a remote, or print one''s URL'
    $tips['e2b-ts git|reset'] = 'Reset HEAD, the index and (with --hard) the working tree, or unstage paths'
    $tips['e2b-ts git|restore'] = 'Restore files in the working tree or the index'
    $tips['e2b-ts git|status'] = 'A repository''s branch and changed files'
    $tips['e2b-ts git|-h'] = 'display help for command'
    $tips['e2b-ts git|--help'] = 'display help for command'
    $tips['e2b-ts git add|-h'] = 'display help for command'
    $tips['e2b-ts git add|--help'] = 'display help for command'
    $tips['e2b-ts git add|--no-all'] = 'without files: stage `.` (the repository folder) instead of every change (-A)'
    $tips['e2b-ts git add|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git add|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git branch|create'] = 'Create a branch at HEAD and check it out'
    $tips['e2b-ts git branch|delete'] = 'Delete a branch'
    $tips['e2b-ts git branch|help'] = 'display help for command'
    $tips['e2b-ts git branch|ls'] = 'List the local branches, then the remote-tracking ones'
    $tips['e2b-ts git branch|list'] = 'List the local branches, then the remote-tracking ones'
    $tips['e2b-ts git branch|-h'] = 'display help for command'
    $tips['e2b-ts git branch|--help'] = 'display help for command'
    $tips['e2b-ts git branch create|-h'] = 'display help for command'
    $tips['e2b-ts git branch create|--help'] = 'display help for command'
    $tips['e2b-ts git branch create|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git branch create|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git branch delete|-f'] = 'delete it even when it is not merged'
    $tips['e2b-ts git branch delete|--force'] = 'delete it even when it is not merged'
    $tips['e2b-ts git branch delete|-h'] = 'display help for command'
    $tips['e2b-ts git branch delete|--help'] = 'display help for command'
    $tips['e2b-ts git branch delete|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git branch delete|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git branch ls|-h'] = 'display help for command'
    $tips['e2b-ts git branch ls|--help'] = 'display help for command'
    $tips['e2b-ts git branch ls|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git branch ls|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git checkout|-h'] = 'display help for command'
    $tips['e2b-ts git checkout|--help'] = 'display help for command'
    $tips['e2b-ts git checkout|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git checkout|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git clone|--branch'] = 'check out this branch (and fetch only it)'
    $tips['e2b-ts git clone|--depth'] = 'shallow clone with this many commits'
    $tips['e2b-ts git clone|-h'] = 'display help for command'
    $tips['e2b-ts git clone|--help'] = 'display help for command'
    $tips['e2b-ts git clone|--password-stdin'] = 'read the password or token from stdin, first line (default: $E2B_TS_GIT_TOKEN)'
    $tips['e2b-ts git clone|--store-credentials'] = 'keep the credentials in origin''s URL in .git/config (readable by anything in the sandbox)'
    $tips['e2b-ts git clone|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git clone|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git clone|--username'] = 'username for HTTP(S) (default: $E2B_TS_GIT_USERNAME; with a token alone: x-access-token)'
    $tips['e2b-ts git commit|--allow-empty'] = 'commit even when nothing is staged'
    $tips['e2b-ts git commit|--author'] = 'author and committer, "Name <email>" (default: git''s user.name and user.email)'
    $tips['e2b-ts git commit|-h'] = 'display help for command'
    $tips['e2b-ts git commit|--help'] = 'display help for command'
    $tips['e2b-ts git commit|-m'] = 'the commit message'
    $tips['e2b-ts git commit|--message'] = 'the commit message'
    $tips['e2b-ts git commit|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git commit|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git config|get'] = 'Print a config value'
    $tips['e2b-ts git config|help'] = 'display help for command'
    $tips['e2b-ts git config|set'] = 'Set a config value'
    $tips['e2b-ts git config|-h'] = 'display help for command'
    $tips['e2b-ts git config|--help'] = 'display help for command'
    $tips['e2b-ts git config get|-h'] = 'display help for command'
    $tips['e2b-ts git config get|--help'] = 'display help for command'
    $tips['e2b-ts git config get|--scope'] = 'which file: global (the user''s ~/.gitconfig), local (the repository at PATH), system'
    $tips['e2b-ts git config get|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git config get|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git config set|-h'] = 'display help for command'
    $tips['e2b-ts git config set|--help'] = 'display help for command'
    $tips['e2b-ts git config set|--scope'] = 'which file: global (the user''s ~/.gitconfig), local (the repository at PATH), system'
    $tips['e2b-ts git config set|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git config set|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git init|--bare'] = 'a bare repository (no working tree)'
    $tips['e2b-ts git init|-h'] = 'display help for command'
    $tips['e2b-ts git init|--help'] = 'display help for command'
    $tips['e2b-ts git init|--initial-branch'] = 'name of the first branch (default: git''s init.defaultBranch)'
    $tips['e2b-ts git init|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git init|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git pull|--branch'] = 'remote branch to merge (default: the upstream''s)'
    $tips['e2b-ts git pull|-h'] = 'display help for command'
    $tips['e2b-ts git pull|--help'] = 'display help for command'
    $tips['e2b-ts git pull|--password-stdin'] = 'read the password or token from stdin, first line (default: $E2B_TS_GIT_TOKEN)'
    $tips['e2b-ts git pull|--remote'] = 'remote to pull from (default: the branch''s upstream)'
    $tips['e2b-ts git pull|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git pull|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git pull|--username'] = 'username for HTTP(S) (default: $E2B_TS_GIT_USERNAME; with a token alone: x-access-token)'
    $tips['e2b-ts git push|--branch'] = 'branch to push (default: with --remote, the current one; without, git''s push.default)'
    $tips['e2b-ts git push|-h'] = 'display help for command'
    $tips['e2b-ts git push|--help'] = 'display help for command'
    $tips['e2b-ts git push|--no-set-upstream'] = 'do not make the remote branch the upstream of the pushed one'
    $tips['e2b-ts git push|--password-stdin'] = 'read the password or token from stdin, first line (default: $E2B_TS_GIT_TOKEN)'
    $tips['e2b-ts git push|--remote'] = 'remote to push to (default: the branch''s upstream)'
    $tips['e2b-ts git push|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git push|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git push|--username'] = 'username for HTTP(S) (default: $E2B_TS_GIT_USERNAME; with a token alone: x-access-token)'
    $tips['e2b-ts git remote|add'] = 'Add a remote'
    $tips['e2b-ts git remote|get'] = 'Print a remote''s URL'
    $tips['e2b-ts git remote|help'] = 'display help for command'
    $tips['e2b-ts git remote|-h'] = 'display help for command'
    $tips['e2b-ts git remote|--help'] = 'display help for command'
    $tips['e2b-ts git remote add|--fetch'] = 'fetch it after adding it'
    $tips['e2b-ts git remote add|-h'] = 'display help for command'
    $tips['e2b-ts git remote add|--help'] = 'display help for command'
    $tips['e2b-ts git remote add|--overwrite'] = 'set the URL when the remote already exists'
    $tips['e2b-ts git remote add|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git remote add|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git remote get|-h'] = 'display help for command'
    $tips['e2b-ts git remote get|--help'] = 'display help for command'
    $tips['e2b-ts git remote get|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git remote get|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git reset|--hard'] = 'move HEAD, reset the index and the working tree (changes are lost)'
    $tips['e2b-ts git reset|-h'] = 'display help for command'
    $tips['e2b-ts git reset|--help'] = 'display help for command'
    $tips['e2b-ts git reset|--keep'] = 'reset, refusing when a changed file would be overwritten'
    $tips['e2b-ts git reset|--merge'] = 'reset, keeping the working tree''s changes unless they conflict'
    $tips['e2b-ts git reset|--mixed'] = 'move HEAD and reset the index; keep the working tree (git''s default)'
    $tips['e2b-ts git reset|--soft'] = 'move HEAD only; keep the index and the working tree'
    $tips['e2b-ts git reset|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git reset|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git restore|-h'] = 'display help for command'
    $tips['e2b-ts git restore|--help'] = 'display help for command'
    $tips['e2b-ts git restore|--source'] = 'restore from this commit, branch or ref (default: the index, or HEAD for --staged)'
    $tips['e2b-ts git restore|--staged'] = 'restore the index (unstage); with --worktree, both'
    $tips['e2b-ts git restore|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git restore|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts git restore|--worktree'] = 'restore the working tree (the default without --staged)'
    $tips['e2b-ts git status|-h'] = 'display help for command'
    $tips['e2b-ts git status|--help'] = 'display help for command'
    $tips['e2b-ts git status|--timeout'] = 'stop git after this long: 90, 90s, 5m (default: no limit)'
    $tips['e2b-ts git status|--user'] = 'sandbox user git runs as (relative paths are in their home; default: user)'
    $tips['e2b-ts local|env'] = 'Print the environment that points E2B SDKs and tools at the local backend (starts it if needed)'
    $tips['e2b-ts local|help'] = 'display help for command'
    $tips['e2b-ts local|logs'] = 'Show the local backend''s own log'
    $tips['e2b-ts local|start'] = 'Start the local backend (an E2B-compatible server on 127.0.0.1) and print its URL'
    $tips['e2b-ts local|status'] = 'Show whether the local backend runs, where, how it isolates sandboxes and which limits it enforces (exit 3 when stopped)'
    $tips['e2b-ts local|stop'] = 'Stop the local backend (running sandboxes are paused; their files are kept)'
    $tips['e2b-ts local|-h'] = 'display help for command'
    $tips['e2b-ts local|--help'] = 'display help for command'
    $tips['e2b-ts local env|-h'] = 'display help for command'
    $tips['e2b-ts local env|--help'] = 'display help for command'
    $tips['e2b-ts local env|--shell'] = 'output syntax'
    $tips['e2b-ts local logs|-f'] = 'keep printing new lines until interrupted'
    $tips['e2b-ts local logs|--follow'] = 'keep printing new lines until interrupted'
    $tips['e2b-ts local logs|-h'] = 'display help for command'
    $tips['e2b-ts local logs|--help'] = 'display help for command'
    $tips['e2b-ts local logs|-n'] = 'number of last lines to show'
    $tips['e2b-ts local logs|--lines'] = 'number of last lines to show'
    $tips['e2b-ts local start|--foreground'] = 'run in this terminal, logging to stderr, until interrupted'
    $tips['e2b-ts local start|-h'] = 'display help for command'
    $tips['e2b-ts local start|--help'] = 'display help for command'
    $tips['e2b-ts local start|--port'] = 'port to listen on (default 49982, or a free one when taken)'
    $tips['e2b-ts local status|-h'] = 'display help for command'
    $tips['e2b-ts local status|--help'] = 'display help for command'
    $tips['e2b-ts local stop|-h'] = 'display help for command'
    $tips['e2b-ts local stop|--help'] = 'display help for command'
    $tips['e2b-ts proc|attach'] = 'Stream a running process''s output; Ctrl-C detaches and leaves it running'
    $tips['e2b-ts proc|help'] = 'display help for command'
    $tips['e2b-ts proc|kill'] = 'Send a signal to a process (and its process group) in a sandbox'
    $tips['e2b-ts proc|ls'] = 'List the processes started in a sandbox (through envd) that are still running'
    $tips['e2b-ts proc|list'] = 'List the processes started in a sandbox (through envd) that are still running'
    $tips['e2b-ts proc|stdin'] = 'Pipe this command''s stdin into a running process''s stdin (started with stdin enabled)'
    $tips['e2b-ts proc|-h'] = 'display help for command'
    $tips['e2b-ts proc|--help'] = 'display help for command'
    $tips['e2b-ts proc attach|-h'] = 'display help for command'
    $tips['e2b-ts proc attach|--help'] = 'display help for command'
    $tips['e2b-ts proc kill|-h'] = 'display help for command'
    $tips['e2b-ts proc kill|--help'] = 'display help for command'
    $tips['e2b-ts proc kill|-s'] = 'signal: TERM, KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT'
    $tips['e2b-ts proc kill|--signal'] = 'signal: TERM, KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT'
    $tips['e2b-ts proc ls|-h'] = 'display help for command'
    $tips['e2b-ts proc ls|--help'] = 'display help for command'
    $tips['e2b-ts proc stdin|-h'] = 'display help for command'
    $tips['e2b-ts proc stdin|--help'] = 'display help for command'
    $tips['e2b-ts proc stdin|--no-close'] = 'keep the process''s stdin open at end of file'
    $tips['e2b-ts pty|attach'] = 'Open an interactive terminal in a sandbox (or reattach to one with --pid)'
    $tips['e2b-ts pty|help'] = 'display help for command'
    $tips['e2b-ts pty|kill'] = 'End a terminal session'
    $tips['e2b-ts pty|ls'] = 'List the terminal sessions running in a sandbox'
    $tips['e2b-ts pty|list'] = 'List the terminal sessions running in a sandbox'
    $tips['e2b-ts pty|-h'] = 'display help for command'
    $tips['e2b-ts pty|--help'] = 'display help for command'
    $tips['e2b-ts pty attach|--cmd'] = 'run this instead of a login shell'
    $tips['e2b-ts pty attach|--cwd'] = 'working directory of a new session'
    $tips['e2b-ts pty attach|--detach-keys'] = 'key sequence that detaches, leaving the session running'
    $tips['e2b-ts pty attach|--env'] = 'environment variable of a new session (repeatable)'
    $tips['e2b-ts pty attach|--force-tty'] = 'attach even when stdin is not a terminal'
    $tips['e2b-ts pty attach|-h'] = 'display help for command'
    $tips['e2b-ts pty attach|--help'] = 'display help for command'
    $tips['e2b-ts pty attach|--pid'] = 'reattach to this running terminal session (see pty ls)'
    $tips['e2b-ts pty attach|--user'] = 'sandbox user of a new session: user or root'
    $tips['e2b-ts pty kill|-h'] = 'display help for command'
    $tips['e2b-ts pty kill|--help'] = 'display help for command'
    $tips['e2b-ts pty ls|-h'] = 'display help for command'
    $tips['e2b-ts pty ls|--help'] = 'display help for command'
    $tips['e2b-ts run|--cwd'] = 'working directory of the command'
    $tips['e2b-ts run|--env'] = 'environment variable of the sandbox (repeatable)'
    $tips['e2b-ts run|-h'] = 'display help for command'
    $tips['e2b-ts run|--help'] = 'display help for command'
    $tips['e2b-ts run|--metadata'] = 'label the sandbox (repeatable)'
    $tips['e2b-ts run|--no-internet'] = 'cut the sandbox off from the internet'
    $tips['e2b-ts run|--no-secure'] = 'do not require an access token for the sandbox'
    $tips['e2b-ts run|--no-stdin'] = 'do not forward stdin'
    $tips['e2b-ts run|--shell'] = 'run a shell command line instead of the words after --'
    $tips['e2b-ts run|--stream'] = 'with --json: one JSON event per line as output arrives, for output of any size'
    $tips['e2b-ts run|--template'] = 'template of the sandbox (default: base); the same as the word before --'
    $tips['e2b-ts run|--timeout'] = 'kill the command after this long (default: no limit)'
    $tips['e2b-ts run|--user'] = 'sandbox user: user or root (default: user)'
    $tips['e2b-ts run|--volume'] = 'mount a volume read-write at a path (repeatable)'
    $tips['e2b-ts sandbox|connect'] = 'Open an interactive terminal in a sandbox (or reattach to one with --pid)'
    $tips['e2b-ts sandbox|create'] = 'Create a sandbox and print its ID'
    $tips['e2b-ts sandbox|help'] = 'display help for command'
    $tips['e2b-ts sandbox|info'] = 'Show a sandbox (running or paused)'
    $tips['e2b-ts sandbox|kill'] = 'Kill sandboxes (their files are deleted)'
    $tips['e2b-ts sandbox|rm'] = 'Kill sandboxes (their files are deleted)'
    $tips['e2b-ts sandbox|logs'] = 'Show a sandbox''s logs (lifecycle events and envd messages)'
    $tips['e2b-ts sandbox|ls'] = 'List sandboxes (running and paused)'
    $tips['e2b-ts sandbox|list'] = 'List sandboxes (running and paused)'
    $tips['e2b-ts sandbox|metrics'] = 'Show a sandbox''s CPU, memory and disk usage'
    $tips['e2b-ts sandbox|network'] = 'Replace a running sandbox''s egress rules at once (what is not given is cleared, as E2B''s API does)'
    $tips['e2b-ts sandbox|pause'] = 'Pause a sandbox: its processes are frozen and its files kept until it is resumed or killed'
    $tips['e2b-ts sandbox|port-forward'] = 'Forward a local TCP port to a port of the sandbox until interrupted (databases, SSH, any TCP)'
    $tips['e2b-ts sandbox|resume'] = 'Resume a paused sandbox (a running one keeps running; its lifetime is never shortened)'
    $tips['e2b-ts sandbox|snapshot'] = 'Snapshots: templates made from a sandbox'
    $tips['e2b-ts sandbox|timeout'] = 'Set how long a sandbox keeps running from now (this can shorten its lifetime)'
    $tips['e2b-ts sandbox|url'] = 'Print the URL at which a port of the sandbox is reachable'
    $tips['e2b-ts sandbox|-h'] = 'display help for command'
    $tips['e2b-ts sandbox|--help'] = 'display help for command'
    $tips['e2b-ts sandbox connect|--cmd'] = 'run this instead of a login shell'
    $tips['e2b-ts sandbox connect|--cwd'] = 'working directory of a new session'
    $tips['e2b-ts sandbox connect|--detach-keys'] = 'key sequence that detaches, leaving the session running'
    $tips['e2b-ts sandbox connect|--env'] = 'environment variable of a new session (repeatable)'
    $tips['e2b-ts sandbox connect|--force-tty'] = 'attach even when stdin is not a terminal'
    $tips['e2b-ts sandbox connect|-h'] = 'display help for command'
    $tips['e2b-ts sandbox connect|--help'] = 'display help for command'
    $tips['e2b-ts sandbox connect|--pid'] = 'reattach to this running terminal session (see pty ls)'
    $tips['e2b-ts sandbox connect|--user'] = 'sandbox user of a new session: user or root'
    $tips['e2b-ts sandbox create|--allow-out'] = 'IP, CIDR or domain allowed even where --deny-out covers it (repeatable)'
    $tips['e2b-ts sandbox create|--auto-resume'] = 'resume automatically when traffic reaches the paused sandbox (needs --on-timeout pause)'
    $tips['e2b-ts sandbox create|--deny-out'] = 'IP or CIDR the sandbox may not reach; 0.0.0.0/0 is all traffic (repeatable)'
    $tips['e2b-ts sandbox create|--env'] = 'environment variable of every process (repeatable)'
    $tips['e2b-ts sandbox create|-h'] = 'display help for command'
    $tips['e2b-ts sandbox create|--help'] = 'display help for command'
    $tips['e2b-ts sandbox create|--metadata'] = 'label the sandbox (repeatable)'
    $tips['e2b-ts sandbox create|--no-internet'] = 'cut the sandbox off from the internet (but --allow-out)'
    $tips['e2b-ts sandbox create|--no-public-traffic'] = 'port URLs answer only requests with the traffic access token (a secret the CLI never prints; use `sandbox port-forward`)'
    $tips['e2b-ts sandbox create|--no-secure'] = 'do not require an access token for the sandbox (envd)'
    $tips['e2b-ts sandbox create|--on-timeout'] = 'what happens when the timeout passes'
    $tips['e2b-ts sandbox create|--timeout'] = 'lifetime of the sandbox (90, 90s, 5m, 1h)'
    $tips['e2b-ts sandbox create|--volume'] = 'mount a volume read-write at a path (repeatable)'
    $tips['e2b-ts sandbox info|-h'] = 'display help for command'
    $tips['e2b-ts sandbox info|--help'] = 'display help for command'
    $tips['e2b-ts sandbox kill|--all'] = 'kill every sandbox (narrowed by --metadata / --state); asks first unless -y'
    $tips['e2b-ts sandbox kill|-h'] = 'display help for command'
    $tips['e2b-ts sandbox kill|--help'] = 'display help for command'
    $tips['e2b-ts sandbox kill|--metadata'] = 'with --all: only sandboxes with this label (repeatable)'
    $tips['e2b-ts sandbox kill|--state'] = 'with --all: only these states (running,paused)'
    $tips['e2b-ts sandbox logs|-f'] = 'keep printing new entries until interrupted'
    $tips['e2b-ts sandbox logs|--follow'] = 'keep printing new entries until interrupted'
    $tips['e2b-ts sandbox logs|-h'] = 'display help for command'
    $tips['e2b-ts sandbox logs|--help'] = 'display help for command'
    $tips['e2b-ts sandbox logs|--raw'] = 'do not strip terminal control sequences from messages'
    $tips['e2b-ts sandbox ls|-h'] = 'display help for command'
    $tips['e2b-ts sandbox ls|--help'] = 'display help for command'
    $tips['e2b-ts sandbox ls|--limit'] = 'show at most n sandboxes'
    $tips['e2b-ts sandbox ls|--metadata'] = 'only sandboxes with this label (repeatable; all must match)'
    $tips['e2b-ts sandbox ls|--state'] = 'only these states, comma-separated: running,paused'
    $tips['e2b-ts sandbox ls|--template'] = 'only sandboxes of this template'
    $tips['e2b-ts sandbox metrics|-f'] = 'keep printing new samples until interrupted'
    $tips['e2b-ts sandbox metrics|--follow'] = 'keep printing new samples until interrupted'
    $tips['e2b-ts sandbox metrics|-h'] = 'display help for command'
    $tips['e2b-ts sandbox metrics|--help'] = 'display help for command'
    $tips['e2b-ts sandbox network|--allow-out'] = 'IP, CIDR or domain allowed even where --deny-out covers it (repeatable)'
    $tips['e2b-ts sandbox network|--deny-out'] = 'IP or CIDR refused; 0.0.0.0/0 is all traffic (repeatable)'
    $tips['e2b-ts sandbox network|-h'] = 'display help for command'
    $tips['e2b-ts sandbox network|--help'] = 'display help for command'
    $tips['e2b-ts sandbox network|--no-internet'] = 'deny everything but --allow-out (the same as --deny-out 0.0.0.0/0)'
    $tips['e2b-ts sandbox pause|-h'] = 'display help for command'
    $tips['e2b-ts sandbox pause|--help'] = 'display help for command'
    $tips['e2b-ts sandbox pause|--no-memory'] = 'keep only the files; processes stop and the sandbox restarts on resume'
    $tips['e2b-ts sandbox port-forward|-h'] = 'display help for command'
    $tips['e2b-ts sandbox port-forward|--help'] = 'display help for command'
    $tips['e2b-ts sandbox resume|-h'] = 'display help for command'
    $tips['e2b-ts sandbox resume|--help'] = 'display help for command'
    $tips['e2b-ts sandbox resume|--timeout'] = 'lifetime from now after resuming'
    $tips['e2b-ts sandbox snapshot|create'] = 'Snapshot a sandbox''s files into a template that new sandboxes can start from'
    $tips['e2b-ts sandbox snapshot|help'] = 'display help for command'
    $tips['e2b-ts sandbox snapshot|ls'] = 'List snapshots'
    $tips['e2b-ts sandbox snapshot|list'] = 'List snapshots'
    $tips['e2b-ts sandbox snapshot|rm'] = 'Delete snapshots'
    $tips['e2b-ts sandbox snapshot|delete'] = 'Delete snapshots'
    $tips['e2b-ts sandbox snapshot|-h'] = 'display help for command'
    $tips['e2b-ts sandbox snapshot|--help'] = 'display help for command'
    $tips['e2b-ts sandbox snapshot create|-h'] = 'display help for command'
    $tips['e2b-ts sandbox snapshot create|--help'] = 'display help for command'
    $tips['e2b-ts sandbox snapshot create|--name'] = 'name the snapshot (snapshotting again under the same name updates it)'
    $tips['e2b-ts sandbox snapshot ls|-h'] = 'display help for command'
    $tips['e2b-ts sandbox snapshot ls|--help'] = 'display help for command'
    $tips['e2b-ts sandbox snapshot ls|--limit'] = 'show at most n snapshots'
    $tips['e2b-ts sandbox snapshot ls|--sandbox'] = 'only snapshots taken from this sandbox'
    $tips['e2b-ts sandbox snapshot rm|-h'] = 'display help for command'
    $tips['e2b-ts sandbox snapshot rm|--help'] = 'display help for command'
    $tips['e2b-ts sandbox timeout|-h'] = 'display help for command'
    $tips['e2b-ts sandbox timeout|--help'] = 'display help for command'
    $tips['e2b-ts sandbox url|-h'] = 'display help for command'
    $tips['e2b-ts sandbox url|--help'] = 'display help for command'
    $tips['e2b-ts volume|cat'] = 'Write a volume file''s bytes to stdout'
    $tips['e2b-ts volume|cp'] = 'Copy files and folders between this machine and a volume (VOLUME:PATH)'
    $tips['e2b-ts volume|create'] = 'Create a volume (persistent storage that sandboxes mount); prints its ID'
    $tips['e2b-ts volume|help'] = 'display help for command'
    $tips['e2b-ts volume|info'] = 'A volume''s ID and name, or the details of a path in it (VOLUME:PATH)'
    $tips['e2b-ts volume|ls'] = 'List volumes, or the files of a volume (VOLUME:PATH)'
    $tips['e2b-ts volume|list'] = 'List volumes, or the files of a volume (VOLUME:PATH)'
    $tips['e2b-ts volume|mkdir'] = 'Create a folder in a volume'
    $tips['e2b-ts volume|rm'] = 'Delete volumes with their files (asks first on a terminal; -y), or paths in a volume (VOLUME:PATH; -r for folders)'
    $tips['e2b-ts volume|write'] = 'Write stdin to a file in a volume (replaced whole when it exists; the folder must exist)'
    $tips['e2b-ts volume|-h'] = 'display help for command'
    $tips['e2b-ts volume|--help'] = 'display help for command'
    $tips['e2b-ts volume cat|-h'] = 'display help for command'
    $tips['e2b-ts volume cat|--help'] = 'display help for command'
    $tips['e2b-ts volume cp|-h'] = 'display help for command'
    $tips['e2b-ts volume cp|--help'] = 'display help for command'
    $tips['e2b-ts volume create|-h'] = 'display help for command'
    $tips['e2b-ts volume create|--help'] = 'display help for command'
    $tips['e2b-ts volume info|-h'] = 'display help for command'
    $tips['e2b-ts volume info|--help'] = 'display help for command'
    $tips['e2b-ts volume ls|--depth'] = 'levels of folders to list'
    $tips['e2b-ts volume ls|-h'] = 'display help for command'
    $tips['e2b-ts volume ls|--help'] = 'display help for command'
    $tips['e2b-ts volume ls|-l'] = 'type, mode, owner, size and time of each entry'
    $tips['e2b-ts volume ls|--long'] = 'type, mode, owner, size and time of each entry'
    $tips['e2b-ts volume mkdir|-h'] = 'display help for command'
    $tips['e2b-ts volume mkdir|--help'] = 'display help for command'
    $tips['e2b-ts volume mkdir|-p'] = 'create missing parents; no error when the folder exists'
    $tips['e2b-ts volume mkdir|--parents'] = 'create missing parents; no error when the folder exists'
    $tips['e2b-ts volume rm|-h'] = 'display help for command'
    $tips['e2b-ts volume rm|--help'] = 'display help for command'
    $tips['e2b-ts volume rm|-r'] = 'remove folders with everything in them'
    $tips['e2b-ts volume rm|--recursive'] = 'remove folders with everything in them'
    $tips['e2b-ts volume write|-h'] = 'display help for command'
    $tips['e2b-ts volume write|--help'] = 'display help for command'
    $tips['*|--api-key'] = 'E2B API key (default: $E2B_API_KEY)'
    $tips['*|--api-url'] = 'E2B API URL (default: $E2B_API_URL or https://api.<domain>)'
    $tips['*|--debug'] = 'log requests and show stack traces on stderr (secrets are never shown)'
    $tips['*|--domain'] = 'E2B domain (default: $E2B_DOMAIN or e2b.app)'
    $tips['*|--json'] = 'print JSON (NDJSON for streams) instead of tables'
    $tips['*|--local'] = 'use the local backend (starts it when needed); env E2B_TS_LOCAL=1'
    $tips['*|--no-color'] = 'do not use colors (also NO_COLOR=1)'
    $tips['*|--no-input'] = 'never prompt; fail when an answer is missing'
    $tips['*|--profile'] = 'credentials profile from the config file'
    $tips['*|-v'] = 'print the version'
    $tips['*|--version'] = 'print the version'
    $tips['*|-y'] = 'answer yes to confirmations'
    $tips['*|--yes'] = 'answer yes to confirmations'

    function Test-TakesValue([string]$key, [string]$flag) {
        if ($valueFlags.Contains("$key|$flag")) { return $true }
        if ($ownFlags.Contains("$key|$flag")) { return $false }
        return $valueFlags.Contains("*|$flag")
    }
    function Get-Choices([string]$key, [string]$flag) {
        if ($choices.ContainsKey("$key|$flag")) { return $choices["$key|$flag"] }
        if ($ownFlags.Contains("$key|$flag")) { return @() }
        if ($choices.ContainsKey("*|$flag")) { return $choices["*|$flag"] }
        return @()
    }

    # walk the words before the one being completed
    $key = 'e2b-ts'
    $positionals = 0
    $expect = $null
    foreach ($element in @($commandAst.CommandElements | Select-Object -Skip 1)) {
        if ($element.Extent.EndOffset -ge $cursorPosition) { break }
        $word = if ($element -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $element.Value } else { $element.Extent.Text }
        if ($null -ne $expect) { $expect = $null; continue }
        # everything after -- is an argument: offer nothing ('' also stops file name completion)
        if ($word -ceq '--') { return '' }
        if ($word -clike '--*=*') { continue }
        if ($word -clike '-?*') {
            if (Test-TakesValue $key $word) { $expect = $word }
            continue
        }
        if ($positionals -eq 0 -and $children.ContainsKey("$key|$word")) { $key = $children["$key|$word"] } else { $positionals++ }
        # the word before the cursor started the remote command (exec ID ls ...): it takes it all
        if ($commandAfter.ContainsKey($key) -and $positionals -gt $commandAfter[$key]) { return '' }
    }

    $results = [System.Collections.Generic.List[System.Management.Automation.CompletionResult]]::new()
    function Add-Result([string]$text, [string]$type, [string]$tipKey) {
        if (-not $text.StartsWith($wordToComplete, [System.StringComparison]::Ordinal)) { return }
        $tip = $null
        if (-not $tips.TryGetValue($tipKey, [ref]$tip) -or -not $tip) { $tip = $text }
        $results.Add([System.Management.Automation.CompletionResult]::new($text, $text, $type, $tip))
    }

    if ($null -ne $expect) {
        foreach ($value in (Get-Choices $key $expect)) { Add-Result $value 'ParameterValue' '' }
    } elseif ($wordToComplete -clike '--*=*') {
        $flag = $wordToComplete.Substring(0, $wordToComplete.IndexOf('='))
        foreach ($value in (Get-Choices $key $flag)) { Add-Result "$flag=$value" 'ParameterValue' '' }
    } elseif ($wordToComplete -clike '-*') {
        if ($options.ContainsKey($key)) {
            foreach ($flag in $options[$key]) { Add-Result $flag 'ParameterName' "$key|$flag" }
        }
        foreach ($flag in $options['*']) { Add-Result $flag 'ParameterName' "*|$flag" }
    } elseif ($positionals -eq 0 -and $words.ContainsKey($key)) {
        foreach ($word in $words[$key]) { Add-Result $word 'ParameterValue' "$key|$word" }
    }
    if ($results.Count -eq 0) { return '' }
    $results
}
