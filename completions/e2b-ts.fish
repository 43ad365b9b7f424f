# e2b-ts fish completion — generated from the command tree by `e2b-ts completion fish`; do not edit
#
# Install: e2b-ts completion fish > ~/.config/fish/completions/e2b-ts.fish

function __e2b_ts_child --argument-names key word --description 'Prints the subcommand of command KEY named WORD (fails if none)'
    switch "$key|$word"
        case 'e2b-ts|auth'
            echo 'e2b-ts auth'
        case 'e2b-ts|completion'
            echo 'e2b-ts completion'
        case 'e2b-ts|exec'
            echo 'e2b-ts exec'
        case 'e2b-ts|fs'
            echo 'e2b-ts fs'
        case 'e2b-ts|git'
            echo 'e2b-ts git'
        case 'e2b-ts|help'
            echo 'e2b-ts help'
        case 'e2b-ts|local'
            echo 'e2b-ts local'
        case 'e2b-ts|proc'
            echo 'e2b-ts proc'
        case 'e2b-ts|pty'
            echo 'e2b-ts pty'
        case 'e2b-ts|run'
            echo 'e2b-ts run'
        case 'e2b-ts|sandbox' 'e2b-ts|sbx'
            echo 'e2b-ts sandbox'
        case 'e2b-ts|volume'
            echo 'e2b-ts volume'
        case 'e2b-ts auth|help'
            echo 'e2b-ts auth help'
        case 'e2b-ts auth|login'
            echo 'e2b-ts auth login'
        case 'e2b-ts auth|logout'
            echo 'e2b-ts auth logout'
        case 'e2b-ts auth|profiles' 'e2b-ts auth|profile'
            echo 'e2b-ts auth profiles'
        case 'e2b-ts auth|status'
            echo 'e2b-ts auth status'
        case 'e2b-ts auth profiles|help'
            echo 'e2b-ts auth profiles help'
        case 'e2b-ts auth profiles|ls' 'e2b-ts auth profiles|list'
            echo 'e2b-ts auth profiles ls'
        case 'e2b-ts auth profiles|rm' 'e2b-ts auth profiles|remove'
            echo 'e2b-ts auth profiles rm'
        case 'e2b-ts auth profiles|use'
            echo 'e2b-ts auth profiles use'
        case 'e2b-ts fs|cat'
            echo 'e2b-ts fs cat'
        case 'e2b-ts fs|cp'
            echo 'e2b-ts fs cp'
        case 'e2b-ts fs|help'
            echo 'e2b-ts fs help'
        case 'e2b-ts fs|ls'
            echo 'e2b-ts fs ls'
        case 'e2b-ts fs|mkdir'
            echo 'e2b-ts fs mkdir'
        case 'e2b-ts fs|mv'
            echo 'e2b-ts fs mv'
        case 'e2b-ts fs|rm'
            echo 'e2b-ts fs rm'
        case 'e2b-ts fs|stat'
            echo 'e2b-ts fs stat'
        case 'e2b-ts fs|url'
            echo 'e2b-ts fs url'
        case 'e2b-ts fs|watch'
            echo 'e2b-ts fs watch'
        case 'e2b-ts fs|write'
            echo 'e2b-ts fs write'
        case 'e2b-ts git|add'
            echo 'e2b-ts git add'
        case 'e2b-ts git|branch'
            echo 'e2b-ts git branch'
        case 'e2b-ts git|checkout'
            echo 'e2b-ts git checkout'
        case 'e2b-ts git|clone'
            echo 'e2b-ts git clone'
        case 'e2b-ts git|commit'
            echo 'e2b-ts git commit'
        case 'e2b-ts git|config'
            echo 'e2b-ts git config'
        case 'e2b-ts git|help'
            echo 'e2b-ts git help'
        case 'e2b-ts git|init'
            echo 'e2b-ts git init'
        case 'e2b-ts git|pull'
            echo 'e2b-ts git pull'
        case 'e2b-ts git|push'
            echo 'e2b-ts git push'
        case 'e2b-ts git|remote'
            echo 'e2b-ts git remote'
        case 'e2b-ts git|reset'
            echo 'e2b-ts git reset'
        case 'e2b-ts git|restore'
            echo 'e2b-ts git restore'
        case 'e2b-ts git|status'
            echo 'e2b-ts git status'
        case 'e2b-ts git branch|create'
            echo 'e2b-ts git branch create'
        case 'e2b-ts git branch|delete'
            echo 'e2b-ts git branch delete'
        case 'e2b-ts git branch|help'
            echo 'e2b-ts git branch help'
        case 'e2b-ts git branch|ls' 'e2b-ts git branch|list'
            echo 'e2b-ts git branch ls'
        case 'e2b-ts git config|get'
            echo 'e2b-ts git config get'
        case 'e2b-ts git config|help'
            echo 'e2b-ts git config help'
        case 'e2b-ts git config|set'
            echo 'e2b-ts git config set'
        case 'e2b-ts git remote|add'
            echo 'e2b-ts git remote add'
        case 'e2b-ts git remote|get'
            echo 'e2b-ts git remote get'
        case 'e2b-ts git remote|help'
            echo 'e2b-ts git remote help'
        case 'e2b-ts local|env'
            echo 'e2b-ts local env'
        case 'e2b-ts local|help'
            echo 'e2b-ts local help'
        case 'e2b-ts local|logs'
            echo 'e2b-ts local logs'
        case 'e2b-ts local|start'
            echo 'e2b-ts local start'
        case 'e2b-ts local|status'
            echo 'e2b-ts local status'
        case 'e2b-ts local|stop'
            echo 'e2b-ts local stop'
        case 'e2b-ts proc|attach'
            echo 'e2b-ts proc attach'
        case 'e2b-ts proc|help'
            echo 'e2b-ts proc help'
        case 'e2b-ts proc|kill'
            echo 'e2b-ts proc kill'
        case 'e2b-ts proc|ls' 'e2b-ts proc|list'
            echo 'e2b-ts proc ls'
        case 'e2b-ts proc|stdin'
            echo 'e2b-ts proc stdin'
        case 'e2b-ts pty|attach'
            echo 'e2b-ts pty attach'
        case 'e2b-ts pty|help'
            echo 'e2b-ts pty help'
        case 'e2b-ts pty|kill'
            echo 'e2b-ts pty kill'
        case 'e2b-ts pty|ls' 'e2b-ts pty|list'
            echo 'e2b-ts pty ls'
        case 'e2b-ts sandbox|connect'
            echo 'e2b-ts sandbox connect'
        case 'e2b-ts sandbox|create'
            echo 'e2b-ts sandbox create'
        case 'e2b-ts sandbox|help'
            echo 'e2b-ts sandbox help'
        case 'e2b-ts sandbox|info'
            echo 'e2b-ts sandbox info'
        case 'e2b-ts sandbox|kill' 'e2b-ts sandbox|rm'
            echo 'e2b-ts sandbox kill'
        case 'e2b-ts sandbox|logs'
            echo 'e2b-ts sandbox logs'
        case 'e2b-ts sandbox|ls' 'e2b-ts sandbox|list'
            echo 'e2b-ts sandbox ls'
        case 'e2b-ts sandbox|metrics'
            echo 'e2b-ts sandbox metrics'
        case 'e2b-ts sandbox|network'
            echo 'e2b-ts sandbox network'
        case 'e2b-ts sandbox|pause'
            echo 'e2b-ts sandbox pause'
        case 'e2b-ts sandbox|port-forward'
            echo 'e2b-ts sandbox port-forward'
        case 'e2b-ts sandbox|resume'
            echo 'e2b-ts sandbox resume'
        case 'e2b-ts sandbox|snapshot'
            echo 'e2b-ts sandbox snapshot'
        case 'e2b-ts sandbox|timeout'
            echo 'e2b-ts sandbox timeout'
        case 'e2b-ts sandbox|url'
            echo 'e2b-ts sandbox url'
        case 'e2b-ts sandbox snapshot|create'
            echo 'e2b-ts sandbox snapshot create'
        case 'e2b-ts sandbox snapshot|help'
            echo 'e2b-ts sandbox snapshot help'
        case 'e2b-ts sandbox snapshot|ls' 'e2b-ts sandbox snapshot|list'
            echo 'e2b-ts sandbox snapshot ls'
        case 'e2b-ts sandbox snapshot|rm' 'e2b-ts sandbox snapshot|delete'
            echo 'e2b-ts sandbox snapshot rm'
        case 'e2b-ts volume|cat'
            echo 'e2b-ts volume cat'
        case 'e2b-ts volume|cp'
            echo 'e2b-ts volume cp'
        case 'e2b-ts volume|create'
            echo 'e2b-ts volume create'
        case 'e2b-ts volume|help'
            echo 'e2b-ts volume help'
        case 'e2b-ts volume|info'
            echo 'e2b-ts volume info'
        case 'e2b-ts volume|ls' 'e2b-ts volume|list'
            echo 'e2b-ts volume ls'
        case 'e2b-ts volume|mkdir'
            echo 'e2b-ts volume mkdir'
        case 'e2b-ts volume|rm'
            echo 'e2b-ts volume rm'
        case 'e2b-ts volume|write'
            echo 'e2b-ts volume write'
        case '*'
            return 1
    end
end

function __e2b_ts_takes_value --argument-names key flag --description 'Whether FLAG takes a value at command KEY'
    switch "$key|$flag"
        case 'e2b-ts auth login|--team' 'e2b-ts exec|--cwd' 'e2b-ts exec|--env' \
            'e2b-ts exec|--shell' 'e2b-ts exec|--timeout' 'e2b-ts exec|--user' \
            'e2b-ts fs cat|--user' 'e2b-ts fs cp|--links' 'e2b-ts fs cp|--parallel' \
            'e2b-ts fs cp|--user' 'e2b-ts fs ls|--depth' 'e2b-ts fs ls|--user' \
            'e2b-ts fs mkdir|--user' 'e2b-ts fs mv|--user' 'e2b-ts fs rm|--user' \
            'e2b-ts fs stat|--user' 'e2b-ts fs url|--expires' 'e2b-ts fs url|--user' \
            'e2b-ts fs watch|--user' 'e2b-ts fs write|--user' 'e2b-ts git add|--timeout' \
            'e2b-ts git add|--user' 'e2b-ts git branch create|--timeout' \
            'e2b-ts git branch create|--user' 'e2b-ts git branch delete|--timeout' \
            'e2b-ts git branch delete|--user' 'e2b-ts git branch ls|--timeout' \
            'e2b-ts git branch ls|--user' 'e2b-ts git checkout|--timeout' \
            'e2b-ts git checkout|--user' 'e2b-ts git clone|--branch' 'e2b-ts git clone|--depth' \
            'e2b-ts git clone|--timeout' 'e2b-ts git clone|--user' 'e2b-ts git clone|--username' \
            'e2b-ts git commit|--author' 'e2b-ts git commit|-m' 'e2b-ts git commit|--message' \
            'e2b-ts git commit|--timeout' 'e2b-ts git commit|--user' \
            'e2b-ts git config get|--scope' 'e2b-ts git config get|--timeout' \
            'e2b-ts git config get|--user' 'e2b-ts git config set|--scope' \
            'e2b-ts git config set|--timeout' 'e2b-ts git config set|--user' \
            'e2b-ts git init|--initial-branch' 'e2b-ts git init|--timeout' \
            'e2b-ts git init|--user' 'e2b-ts git pull|--branch' 'e2b-ts git pull|--remote' \
            'e2b-ts git pull|--timeout' 'e2b-ts git pull|--user' 'e2b-ts git pull|--username' \
            'e2b-ts git push|--branch' 'e2b-ts git push|--remote' 'e2b-ts git push|--timeout' \
            'e2b-ts git push|--user' 'e2b-ts git push|--username' \
            'e2b-ts git remote add|--timeout' 'e2b-ts git remote add|--user' \
            'e2b-ts git remote get|--timeout' 'e2b-ts git remote get|--user' \
            'e2b-ts git reset|--timeout' 'e2b-ts git reset|--user' 'e2b-ts git restore|--source' \
            'e2b-ts git restore|--timeout' 'e2b-ts git restore|--user' \
            'e2b-ts git status|--timeout' 'e2b-ts git status|--user' 'e2b-ts local env|--shell' \
            'e2b-ts local logs|-n' 'e2b-ts local logs|--lines' 'e2b-ts local start|--port' \
            'e2b-ts proc kill|-s' 'e2b-ts proc kill|--signal' 'e2b-ts pty attach|--cmd' \
            'e2b-ts pty attach|--cwd' 'e2b-ts pty attach|--detach-keys' \
            'e2b-ts pty attach|--env' 'e2b-ts pty attach|--pid' 'e2b-ts pty attach|--user' \
            'e2b-ts run|--cwd' 'e2b-ts run|--env' 'e2b-ts run|--metadata' 'e2b-ts run|--shell' \
            'e2b-ts run|--template' 'e2b-ts run|--timeout' 'e2b-ts run|--user' \
            'e2b-ts run|--volume' 'e2b-ts sandbox connect|--cmd' 'e2b-ts sandbox connect|--cwd' \
            'e2b-ts sandbox connect|--detach-keys' 'e2b-ts sandbox connect|--env' \
            'e2b-ts sandbox connect|--pid' 'e2b-ts sandbox connect|--user' \
            'e2b-ts sandbox create|--allow-out' 'e2b-ts sandbox create|--deny-out' \
            'e2b-ts sandbox create|--env' 'e2b-ts sandbox create|--metadata' \
            'e2b-ts sandbox create|--on-timeout' 'e2b-ts sandbox create|--timeout' \
            'e2b-ts sandbox create|--volume' 'e2b-ts sandbox kill|--metadata' \
            'e2b-ts sandbox kill|--state' 'e2b-ts sandbox ls|--limit' \
            'e2b-ts sandbox ls|--metadata' 'e2b-ts sandbox ls|--state' \
            'e2b-ts sandbox ls|--template' 'e2b-ts sandbox network|--allow-out' \
            'e2b-ts sandbox network|--deny-out' 'e2b-ts sandbox resume|--timeout' \
            'e2b-ts sandbox snapshot create|--name' 'e2b-ts sandbox snapshot ls|--limit' \
            'e2b-ts sandbox snapshot ls|--sandbox' 'e2b-ts volume ls|--depth'
            return 0
        case '*|--api-key' '*|--api-url' '*|--domain' '*|--profile'
            return 0
    end
    return 1
end

# __e2b_ts_state: where the command line before the cursor stands, as three lines: "words" (a
# subcommand or first argument comes next), "args" (a later argument), "value" (an option waits
# for its value) or "end" (after --); then the key of the command; then that option, or "-".
function __e2b_ts_state
    set -l key 'e2b-ts'
    set -l positionals 0
    set -l expect -
    for word in (commandline -opc)[2..-1]
        if test "$expect" != -
            set expect -
        else if test "$word" = --
            printf '%s\n' end $key -
            return
        else if string match -q -- '--*=*' $word
            continue
        else if string match -q -- '-*' $word; and test "$word" != -
            __e2b_ts_takes_value $key $word; and set expect $word
        else if test $positionals -eq 0; and set -l child (__e2b_ts_child $key $word)
            set key $child
        else
            set positionals (math $positionals + 1)
        end
    end
    if test "$expect" != -
        printf '%s\n' value $key $expect
    else if test $positionals -eq 0
        printf '%s\n' words $key -
    else
        printf '%s\n' args $key -
    end
end

# __e2b_ts_wants_word KEY: the next word is a subcommand or the first argument of command KEY
function __e2b_ts_wants_word --argument-names key
    set -l state (__e2b_ts_state)
    test "$state[1]" = words -a "$state[2]" = "$key"
end

# __e2b_ts_at KEY: the command being typed is KEY (and -- was not typed)
function __e2b_ts_at --argument-names key
    set -l state (__e2b_ts_state)
    test "$state[1]" != end -a "$state[2]" = "$key"
end

# __e2b_ts_options_apply: -- was not typed
function __e2b_ts_options_apply
    set -l state (__e2b_ts_state)
    test "$state[1]" != end
end

# no file names: every argument of the CLI is an ID, a name or a fixed value
complete -c e2b-ts -f

# e2b-ts
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a auth -d 'Sign in to E2B: login, status, logout, profiles'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a completion -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a exec -d 'Run a command in a sandbox, streaming its output; exits with its exit code'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a fs -d 'Files in sandboxes: copy, list, read, write, watch'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a git -d 'Git in sandboxes: clone, status, commit, push, pull, branches'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a help -d 'show help for a command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a local -d 'Run the local E2B-compatible backend (offline sandboxes; no account needed)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a proc -d 'Processes in a sandbox: list, signal, attach to, feed stdin'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a pty -d 'Interactive terminals in sandboxes'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a run -d 'Run a command in a new sandbox that is killed afterwards (like docker run --rm)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a sandbox -d 'Create, list and manage sandboxes'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a sbx -d 'Create, list and manage sandboxes'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts'" -a volume -d 'Volumes: persistent storage that sandboxes mount'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts'" -s h -l help -d 'show help'

# e2b-ts auth
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth'" -a login -d 'Sign in to E2B: through the dashboard in a browser, or with a key or token on stdin (--with-token)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth'" -a logout -d 'Forget a profile\'s key (the default profile, or --profile NAME); its domain and API URL stay'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth'" -a profiles -d 'Named sign-ins side by side (accounts, self-hosted domains): ls, use, rm'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth'" -a profile -d 'Named sign-ins side by side (accounts, self-hosted domains): ls, use, rm'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth'" -a status -d 'Show which credentials are in effect, where each came from, and whether the key works (exit 4 when it does not)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts auth'" -s h -l help -d 'display help for command'

# e2b-ts auth help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth help'" -a 'login logout profiles status'

# e2b-ts auth login
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts auth login'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts auth login'" -l no-browser -d 'print the sign-in URL instead of opening a browser'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts auth login'" -l team -x -d 'keep this team\'s API key instead of the default team\'s'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts auth login'" -l with-token -d 'read an API key (e2b_…) or access token (sk_e2b_…) from stdin'

# e2b-ts auth logout
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts auth logout'" -s h -l help -d 'display help for command'

# e2b-ts auth profiles
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth profiles'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth profiles'" -a ls -d 'List the profiles of the config file (* marks the default); no secrets are shown or read'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth profiles'" -a list -d 'List the profiles of the config file (* marks the default); no secrets are shown or read'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth profiles'" -a rm -d 'Remove profiles: their settings, and their keys from the OS keychain or the config file'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth profiles'" -a remove -d 'Remove profiles: their settings, and their keys from the OS keychain or the config file'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth profiles'" -a use -d 'Make a profile the default one (used when no --profile, E2B_TS_PROFILE, --api-key or E2B_API_KEY is given)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts auth profiles'" -s h -l help -d 'display help for command'

# e2b-ts auth profiles help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts auth profiles help'" -a 'ls rm use'

# e2b-ts auth profiles ls
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts auth profiles ls'" -s h -l help -d 'display help for command'

# e2b-ts auth profiles rm
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts auth profiles rm'" -s h -l help -d 'display help for command'

# e2b-ts auth profiles use
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts auth profiles use'" -s h -l help -d 'display help for command'

# e2b-ts auth status
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts auth status'" -s h -l help -d 'display help for command'

# e2b-ts completion
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts completion'" -a 'bash fish powershell zsh'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts completion'" -s h -l help -d 'display help for command'

# e2b-ts exec
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts exec'" -l background -d 'start the command, print its PID and return'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts exec'" -l cwd -x -d 'working directory (default: the user\'s home)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts exec'" -l env -x -d 'environment variable (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts exec'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts exec'" -l no-stdin -d 'do not forward stdin (as ssh -n), even when it is a pipe or file'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts exec'" -l shell -x -d 'run a shell command line instead of the words after --'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts exec'" -l stream -d 'with --json: one JSON event per line as output arrives (start, stdout, stderr, exit), for output of any size'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts exec'" -l timeout -x -d 'kill the command after this long (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts exec'" -l user -x -d 'sandbox user: user or root (default: user)'

# e2b-ts fs
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs'" -a cat -d 'Write a sandbox file\'s bytes to stdout'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs'" -a cp -d 'Copy files and folders between this machine and sandboxes (SANDBOX:PATH), or a tar stream (-)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs'" -a ls -d 'List a folder in a sandbox'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs'" -a mkdir -d 'Create a folder (and its parents) in a sandbox'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs'" -a mv -d 'Move or rename a file or folder within a sandbox (into DESTINATION when it is a folder or ends with /)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs'" -a rm -d 'Remove files (and, with -r, folders) in a sandbox'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs'" -a stat -d 'Show a file or folder in a sandbox'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs'" -a url -d 'Print a signed URL that downloads (or, with --upload, uploads) one file with plain HTTP'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs'" -a watch -d 'Print changes under a sandbox folder as they happen, one line each (TYPE PATH), until interrupted'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs'" -a write -d 'Write stdin to a file in a sandbox (replaced whole when it exists; parents are created)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs'" -s h -l help -d 'display help for command'

# e2b-ts fs cat
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs cat'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs cat'" -l user -x -d 'sandbox user (decides relative paths and ~)'

# e2b-ts fs cp
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs cp'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs cp'" -l links -x -a 'auto copy fail skip' -d 'symlinks of a download where they cannot be made (default: auto)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs cp'" -l parallel -x -d 'tar streams in flight at once for folders with many files'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs cp'" -l user -x -d 'sandbox user that reads or writes the files (default: user)'

# e2b-ts fs help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts fs help'" -a 'cat cp ls mkdir mv rm stat url watch write'

# e2b-ts fs ls
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs ls'" -l depth -x -d 'descend this many levels'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs ls'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs ls'" -s l -l long -d 'show permissions, owner, size and time'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs ls'" -l user -x -d 'sandbox user (decides relative paths and ~)'

# e2b-ts fs mkdir
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs mkdir'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs mkdir'" -s p -l parents -d 'no error when the folder already exists'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs mkdir'" -l user -x -d 'sandbox user that owns the folder'

# e2b-ts fs mv
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs mv'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs mv'" -l user -x -d 'sandbox user (decides relative paths and ~)'

# e2b-ts fs rm
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs rm'" -s f -l force -d 'no error when a path does not exist'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs rm'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs rm'" -s r -l recursive -d 'remove folders and everything in them'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs rm'" -l user -x -d 'sandbox user (decides relative paths and ~)'

# e2b-ts fs stat
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs stat'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs stat'" -l user -x -d 'sandbox user (decides relative paths and ~)'

# e2b-ts fs url
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs url'" -l expires -x -d 'the URL stops working after this long (secured sandboxes)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs url'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs url'" -l upload -d 'a URL to POST the file to (multipart, form field "file")'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs url'" -l user -x -d 'sandbox user the URL acts as'

# e2b-ts fs watch
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs watch'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs watch'" -s r -l recursive -d 'include subfolders'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs watch'" -l user -x -d 'sandbox user (decides relative paths and ~)'

# e2b-ts fs write
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs write'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts fs write'" -l user -x -d 'sandbox user that owns the file'

# e2b-ts git
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a add -d 'Stage changes for the next commit'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a branch -d 'List, create and delete branches (`git branch ID[:PATH]` lists)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a checkout -d 'Switch to a branch'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a clone -d 'Clone a repository into a sandbox'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a commit -d 'Commit the staged changes; prints the new commit\'s sha'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a config -d 'Read and write git configuration'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a init -d 'Create a repository (the folder is created when missing)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a pull -d 'Fetch from a remote and merge into the current branch'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a push -d 'Push commits to a remote'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a remote -d 'Add a remote, or print one\'s URL'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a reset -d 'Reset HEAD, the index and (with --hard) the working tree, or unstage paths'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a restore -d 'Restore files in the working tree or the index'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git'" -a status -d 'A repository\'s branch and changed files'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git'" -s h -l help -d 'display help for command'

# e2b-ts git add
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git add'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git add'" -l no-all -d 'without files: stage `.` (the repository folder) instead of every change (-A)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git add'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git add'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git branch
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git branch'" -a create -d 'Create a branch at HEAD and check it out'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git branch'" -a delete -d 'Delete a branch'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git branch'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git branch'" -a ls -d 'List the local branches, then the remote-tracking ones'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git branch'" -a list -d 'List the local branches, then the remote-tracking ones'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git branch'" -s h -l help -d 'display help for command'

# e2b-ts git branch create
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git branch create'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git branch create'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git branch create'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git branch delete
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git branch delete'" -s f -l force -d 'delete it even when it is not merged'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git branch delete'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git branch delete'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git branch delete'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git branch help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git branch help'" -a 'create delete ls'

# e2b-ts git branch ls
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git branch ls'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git branch ls'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git branch ls'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git checkout
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git checkout'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git checkout'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git checkout'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git clone
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git clone'" -l branch -x -d 'check out this branch (and fetch only it)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git clone'" -l depth -x -d 'shallow clone with this many commits'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git clone'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git clone'" -l password-stdin -d 'read the password or token from stdin, first line (default: $E2B_TS_GIT_TOKEN)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git clone'" -l store-credentials -d 'keep the credentials in origin\'s URL in .git/config (readable by anything in the sandbox)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git clone'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git clone'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git clone'" -l username -x -d 'username for HTTP(S) (default: $E2B_TS_GIT_USERNAME; with a token alone: x-access-token)'

# e2b-ts git commit
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git commit'" -l allow-empty -d 'commit even when nothing is staged'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git commit'" -l author -x -d 'author and committer, "Name <email>" (default: git\'s user.name and user.email)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git commit'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git commit'" -s m -l message -x -d 'the commit message'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git commit'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git commit'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git config
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git config'" -a get -d 'Print a config value'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git config'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git config'" -a set -d 'Set a config value'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git config'" -s h -l help -d 'display help for command'

# e2b-ts git config get
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git config get'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git config get'" -l scope -x -a 'global local system' -d 'which file: global (the user\'s ~/.gitconfig), local (the repository at PATH), system'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git config get'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git config get'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git config help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git config help'" -a 'get set'

# e2b-ts git config set
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git config set'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git config set'" -l scope -x -a 'global local system' -d 'which file: global (the user\'s ~/.gitconfig), local (the repository at PATH), system'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git config set'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git config set'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git help'" -a 'add branch checkout clone commit config init pull push remote reset restore status'

# e2b-ts git init
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git init'" -l bare -d 'a bare repository (no working tree)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git init'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git init'" -l initial-branch -x -d 'name of the first branch (default: git\'s init.defaultBranch)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git init'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git init'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git pull
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git pull'" -l branch -x -d 'remote branch to merge (default: the upstream\'s)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git pull'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git pull'" -l password-stdin -d 'read the password or token from stdin, first line (default: $E2B_TS_GIT_TOKEN)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git pull'" -l remote -x -d 'remote to pull from (default: the branch\'s upstream)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git pull'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git pull'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git pull'" -l username -x -d 'username for HTTP(S) (default: $E2B_TS_GIT_USERNAME; with a token alone: x-access-token)'

# e2b-ts git push
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git push'" -l branch -x -d 'branch to push (default: with --remote, the current one; without, git\'s push.default)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git push'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git push'" -l no-set-upstream -d 'do not make the remote branch the upstream of the pushed one'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git push'" -l password-stdin -d 'read the password or token from stdin, first line (default: $E2B_TS_GIT_TOKEN)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git push'" -l remote -x -d 'remote to push to (default: the branch\'s upstream)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git push'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git push'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git push'" -l username -x -d 'username for HTTP(S) (default: $E2B_TS_GIT_USERNAME; with a token alone: x-access-token)'

# e2b-ts git remote
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git remote'" -a add -d 'Add a remote'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git remote'" -a get -d 'Print a remote\'s URL'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git remote'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git remote'" -s h -l help -d 'display help for command'

# e2b-ts git remote add
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git remote add'" -l fetch -d 'fetch it after adding it'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git remote add'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git remote add'" -l overwrite -d 'set the URL when the remote already exists'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git remote add'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git remote add'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git remote get
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git remote get'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git remote get'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git remote get'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git remote help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts git remote help'" -a 'add get'

# e2b-ts git reset
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git reset'" -l hard -d 'move HEAD, reset the index and the working tree (changes are lost)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git reset'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git reset'" -l keep -d 'reset, refusing when a changed file would be overwritten'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git reset'" -l merge -d 'reset, keeping the working tree\'s changes unless they conflict'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git reset'" -l mixed -d 'move HEAD and reset the index; keep the working tree (git\'s default)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git reset'" -l soft -d 'move HEAD only; keep the index and the working tree'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git reset'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git reset'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts git restore
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git restore'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git restore'" -l source -x -d 'restore from this commit, branch or ref (default: the index, or HEAD for --staged)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git restore'" -l staged -d 'restore the index (unstage); with --worktree, both'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git restore'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git restore'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git restore'" -l worktree -d 'restore the working tree (the default without --staged)'

# e2b-ts git status
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git status'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git status'" -l timeout -x -d 'stop git after this long: 90, 90s, 5m (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts git status'" -l user -x -d 'sandbox user git runs as (relative paths are in their home; default: user)'

# e2b-ts help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts help'" -a 'auth completion exec fs git local proc pty run sandbox volume'

# e2b-ts local
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts local'" -a env -d 'Print the environment that points E2B SDKs and tools at the local backend (starts it if needed)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts local'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts local'" -a logs -d 'Show the local backend\'s own log'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts local'" -a start -d 'Start the local backend (an E2B-compatible server on 127.0.0.1) and print its URL'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts local'" -a status -d 'Show whether the local backend runs, where, how it isolates sandboxes and which limits it enforces (exit 3 when stopped)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts local'" -a stop -d 'Stop the local backend (running sandboxes are paused; their files are kept)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts local'" -s h -l help -d 'display help for command'

# e2b-ts local env
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts local env'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts local env'" -l shell -x -a 'dotenv fish powershell sh' -d 'output syntax'

# e2b-ts local help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts local help'" -a 'env logs start status stop'

# e2b-ts local logs
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts local logs'" -s f -l follow -d 'keep printing new lines until interrupted'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts local logs'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts local logs'" -s n -l lines -x -d 'number of last lines to show'

# e2b-ts local start
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts local start'" -l foreground -d 'run in this terminal, logging to stderr, until interrupted'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts local start'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts local start'" -l port -x -d 'port to listen on (default 49982, or a free one when taken)'

# e2b-ts local status
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts local status'" -s h -l help -d 'display help for command'

# e2b-ts local stop
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts local stop'" -s h -l help -d 'display help for command'

# e2b-ts proc
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts proc'" -a attach -d 'Stream a running process\'s output; Ctrl-C detaches and leaves it running'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts proc'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts proc'" -a kill -d 'Send a signal to a process (and its process group) in a sandbox'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts proc'" -a ls -d 'List the processes started in a sandbox (through envd) that are still running'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts proc'" -a list -d 'List the processes started in a sandbox (through envd) that are still running'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts proc'" -a stdin -d 'Pipe this command\'s stdin into a running process\'s stdin (started with stdin enabled)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts proc'" -s h -l help -d 'display help for command'

# e2b-ts proc attach
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts proc attach'" -s h -l help -d 'display help for command'

# e2b-ts proc help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts proc help'" -a 'attach kill ls stdin'

# e2b-ts proc kill
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts proc kill'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts proc kill'" -s s -l signal -x -d 'signal: TERM, KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT'

# e2b-ts proc ls
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts proc ls'" -s h -l help -d 'display help for command'

# e2b-ts proc stdin
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts proc stdin'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts proc stdin'" -l no-close -d 'keep the process\'s stdin open at end of file'

# e2b-ts pty
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts pty'" -a attach -d 'Open an interactive terminal in a sandbox (or reattach to one with --pid)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts pty'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts pty'" -a kill -d 'End a terminal session'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts pty'" -a ls -d 'List the terminal sessions running in a sandbox'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts pty'" -a list -d 'List the terminal sessions running in a sandbox'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts pty'" -s h -l help -d 'display help for command'

# e2b-ts pty attach
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts pty attach'" -l cmd -x -d 'run this instead of a login shell'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts pty attach'" -l cwd -x -d 'working directory of a new session'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts pty attach'" -l detach-keys -x -d 'key sequence that detaches, leaving the session running'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts pty attach'" -l env -x -d 'environment variable of a new session (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts pty attach'" -l force-tty -d 'attach even when stdin is not a terminal'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts pty attach'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts pty attach'" -l pid -x -d 'reattach to this running terminal session (see pty ls)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts pty attach'" -l user -x -d 'sandbox user of a new session: user or root'

# e2b-ts pty help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts pty help'" -a 'attach kill ls'

# e2b-ts pty kill
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts pty kill'" -s h -l help -d 'display help for command'

# e2b-ts pty ls
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts pty ls'" -s h -l help -d 'display help for command'

# e2b-ts run
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l cwd -x -d 'working directory of the command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l env -x -d 'environment variable of the sandbox (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l metadata -x -d 'label the sandbox (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l no-internet -d 'cut the sandbox off from the internet'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l no-secure -d 'do not require an access token for the sandbox'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l no-stdin -d 'do not forward stdin'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l shell -x -d 'run a shell command line instead of the words after --'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l stream -d 'with --json: one JSON event per line as output arrives, for output of any size'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l template -x -d 'template of the sandbox (default: base); the same as the word before --'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l timeout -x -d 'kill the command after this long (default: no limit)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l user -x -d 'sandbox user: user or root (default: user)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts run'" -l volume -x -d 'mount a volume read-write at a path (repeatable)'

# e2b-ts sandbox
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a connect -d 'Open an interactive terminal in a sandbox (or reattach to one with --pid)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a create -d 'Create a sandbox and print its ID'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a info -d 'Show a sandbox (running or paused)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a kill -d 'Kill sandboxes (their files are deleted)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a rm -d 'Kill sandboxes (their files are deleted)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a logs -d 'Show a sandbox\'s logs (lifecycle events and envd messages)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a ls -d 'List sandboxes (running and paused)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a list -d 'List sandboxes (running and paused)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a metrics -d 'Show a sandbox\'s CPU, memory and disk usage'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a network -d 'Replace a running sandbox\'s egress rules at once (what is not given is cleared, as E2B\'s API does)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a pause -d 'Pause a sandbox: its processes are frozen and its files kept until it is resumed or killed'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a port-forward -d 'Forward a local TCP port to a port of the sandbox until interrupted (databases, SSH, any TCP)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a resume -d 'Resume a paused sandbox (a running one keeps running; its lifetime is never shortened)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a snapshot -d 'Snapshots: templates made from a sandbox'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a timeout -d 'Set how long a sandbox keeps running from now (this can shorten its lifetime)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox'" -a url -d 'Print the URL at which a port of the sandbox is reachable'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox'" -s h -l help -d 'display help for command'

# e2b-ts sandbox connect
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox connect'" -l cmd -x -d 'run this instead of a login shell'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox connect'" -l cwd -x -d 'working directory of a new session'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox connect'" -l detach-keys -x -d 'key sequence that detaches, leaving the session running'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox connect'" -l env -x -d 'environment variable of a new session (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox connect'" -l force-tty -d 'attach even when stdin is not a terminal'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox connect'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox connect'" -l pid -x -d 'reattach to this running terminal session (see pty ls)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox connect'" -l user -x -d 'sandbox user of a new session: user or root'

# e2b-ts sandbox create
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -l allow-out -x -d 'IP, CIDR or domain allowed even where --deny-out covers it (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -l auto-resume -d 'resume automatically when traffic reaches the paused sandbox (needs --on-timeout pause)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -l deny-out -x -d 'IP or CIDR the sandbox may not reach; 0.0.0.0/0 is all traffic (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -l env -x -d 'environment variable of every process (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -l metadata -x -d 'label the sandbox (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -l no-internet -d 'cut the sandbox off from the internet (but --allow-out)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -l no-public-traffic -d 'port URLs answer only requests with the traffic access token (a secret the CLI never prints; use `sandbox port-forward`)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -l no-secure -d 'do not require an access token for the sandbox (envd)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -l on-timeout -x -a 'kill pause' -d 'what happens when the timeout passes'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -l timeout -x -d 'lifetime of the sandbox (90, 90s, 5m, 1h)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox create'" -l volume -x -d 'mount a volume read-write at a path (repeatable)'

# e2b-ts sandbox help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox help'" -a 'connect create info kill logs ls metrics network pause port-forward resume snapshot timeout url'

# e2b-ts sandbox info
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox info'" -s h -l help -d 'display help for command'

# e2b-ts sandbox kill
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox kill'" -l all -d 'kill every sandbox (narrowed by --metadata / --state); asks first unless -y'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox kill'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox kill'" -l metadata -x -d 'with --all: only sandboxes with this label (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox kill'" -l state -x -d 'with --all: only these states (running,paused)'

# e2b-ts sandbox logs
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox logs'" -s f -l follow -d 'keep printing new entries until interrupted'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox logs'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox logs'" -l raw -d 'do not strip terminal control sequences from messages'

# e2b-ts sandbox ls
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox ls'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox ls'" -l limit -x -d 'show at most n sandboxes'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox ls'" -l metadata -x -d 'only sandboxes with this label (repeatable; all must match)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox ls'" -l state -x -d 'only these states, comma-separated: running,paused'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox ls'" -l template -x -d 'only sandboxes of this template'

# e2b-ts sandbox metrics
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox metrics'" -s f -l follow -d 'keep printing new samples until interrupted'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox metrics'" -s h -l help -d 'display help for command'

# e2b-ts sandbox network
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox network'" -l allow-out -x -d 'IP, CIDR or domain allowed even where --deny-out covers it (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox network'" -l deny-out -x -d 'IP or CIDR refused; 0.0.0.0/0 is all traffic (repeatable)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox network'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox network'" -l no-internet -d 'deny everything but --allow-out (the same as --deny-out 0.0.0.0/0)'

# e2b-ts sandbox pause
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox pause'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox pause'" -l no-memory -d 'keep only the files; processes stop and the sandbox restarts on resume'

# e2b-ts sandbox port-forward
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox port-forward'" -s h -l help -d 'display help for command'

# e2b-ts sandbox resume
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox resume'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox resume'" -l timeout -x -d 'lifetime from now after resuming'

# e2b-ts sandbox snapshot
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox snapshot'" -a create -d 'Snapshot a sandbox\'s files into a template that new sandboxes can start from'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox snapshot'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox snapshot'" -a ls -d 'List snapshots'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox snapshot'" -a list -d 'List snapshots'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox snapshot'" -a rm -d 'Delete snapshots'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox snapshot'" -a delete -d 'Delete snapshots'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox snapshot'" -s h -l help -d 'display help for command'

# e2b-ts sandbox snapshot create
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox snapshot create'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox snapshot create'" -l name -x -d 'name the snapshot (snapshotting again under the same name updates it)'

# e2b-ts sandbox snapshot help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts sandbox snapshot help'" -a 'create ls rm'

# e2b-ts sandbox snapshot ls
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox snapshot ls'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox snapshot ls'" -l limit -x -d 'show at most n snapshots'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox snapshot ls'" -l sandbox -x -d 'only snapshots taken from this sandbox'

# e2b-ts sandbox snapshot rm
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox snapshot rm'" -s h -l help -d 'display help for command'

# e2b-ts sandbox timeout
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox timeout'" -s h -l help -d 'display help for command'

# e2b-ts sandbox url
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts sandbox url'" -s h -l help -d 'display help for command'

# e2b-ts volume
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts volume'" -a cat -d 'Write a volume file\'s bytes to stdout'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts volume'" -a cp -d 'Copy files and folders between this machine and a volume (VOLUME:PATH)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts volume'" -a create -d 'Create a volume (persistent storage that sandboxes mount); prints its ID'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts volume'" -a help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts volume'" -a info -d 'A volume\'s ID and name, or the details of a path in it (VOLUME:PATH)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts volume'" -a ls -d 'List volumes, or the files of a volume (VOLUME:PATH)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts volume'" -a list -d 'List volumes, or the files of a volume (VOLUME:PATH)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts volume'" -a mkdir -d 'Create a folder in a volume'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts volume'" -a rm -d 'Delete volumes with their files (asks first on a terminal; -y), or paths in a volume (VOLUME:PATH; -r for folders)'
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts volume'" -a write -d 'Write stdin to a file in a volume (replaced whole when it exists; the folder must exist)'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume'" -s h -l help -d 'display help for command'

# e2b-ts volume cat
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume cat'" -s h -l help -d 'display help for command'

# e2b-ts volume cp
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume cp'" -s h -l help -d 'display help for command'

# e2b-ts volume create
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume create'" -s h -l help -d 'display help for command'

# e2b-ts volume help
complete -c e2b-ts -n "__e2b_ts_wants_word 'e2b-ts volume help'" -a 'cat cp create info ls mkdir rm write'

# e2b-ts volume info
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume info'" -s h -l help -d 'display help for command'

# e2b-ts volume ls
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume ls'" -l depth -x -d 'levels of folders to list'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume ls'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume ls'" -s l -l long -d 'type, mode, owner, size and time of each entry'

# e2b-ts volume mkdir
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume mkdir'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume mkdir'" -s p -l parents -d 'create missing parents; no error when the folder exists'

# e2b-ts volume rm
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume rm'" -s h -l help -d 'display help for command'
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume rm'" -s r -l recursive -d 'remove folders with everything in them'

# e2b-ts volume write
complete -c e2b-ts -n "__e2b_ts_at 'e2b-ts volume write'" -s h -l help -d 'display help for command'

# global options, valid after any command word
complete -c e2b-ts -n __e2b_ts_options_apply -l api-key -x -d 'E2B API key (default: $E2B_API_KEY)'
complete -c e2b-ts -n __e2b_ts_options_apply -l api-url -x -d 'E2B API URL (default: $E2B_API_URL or https://api.<domain>)'
complete -c e2b-ts -n __e2b_ts_options_apply -l debug -d 'log requests and show stack traces on stderr (secrets are never shown)'
complete -c e2b-ts -n __e2b_ts_options_apply -l domain -x -d 'E2B domain (default: $E2B_DOMAIN or e2b.app)'
complete -c e2b-ts -n __e2b_ts_options_apply -l json -d 'print JSON (NDJSON for streams) instead of tables'
complete -c e2b-ts -n __e2b_ts_options_apply -l local -d 'use the local backend (starts it when needed); env E2B_TS_LOCAL=1'
complete -c e2b-ts -n __e2b_ts_options_apply -l no-color -d 'do not use colors (also NO_COLOR=1)'
complete -c e2b-ts -n __e2b_ts_options_apply -l no-input -d 'never prompt; fail when an answer is missing'
complete -c e2b-ts -n __e2b_ts_options_apply -l profile -x -d 'credentials profile from the config file'
complete -c e2b-ts -n __e2b_ts_options_apply -s v -l version -d 'print the version'
complete -c e2b-ts -n __e2b_ts_options_apply -s y -l yes -d 'answer yes to confirmations'
