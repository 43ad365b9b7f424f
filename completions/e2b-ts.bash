# e2b-ts bash completion — generated from the command tree by `e2b-ts completion bash`; do not edit
#
# Install: e2b-ts completion bash > ~/.local/share/bash-completion/completions/e2b-ts
#      or: source <(e2b-ts completion bash)   # in ~/.bashrc

# _e2b_ts_child KEY WORD: REPLY=the subcommand of command KEY named WORD (fails if none)
_e2b_ts_child() {
  case "$1|$2" in
    'e2b-ts|auth') REPLY='e2b-ts auth' ;;
    'e2b-ts|completion') REPLY='e2b-ts completion' ;;
    'e2b-ts|exec') REPLY='e2b-ts exec' ;;
    'e2b-ts|fs') REPLY='e2b-ts fs' ;;
    'e2b-ts|git') REPLY='e2b-ts git' ;;
    'e2b-ts|help') REPLY='e2b-ts help' ;;
    'e2b-ts|local') REPLY='e2b-ts local' ;;
    'e2b-ts|proc') REPLY='e2b-ts proc' ;;
    'e2b-ts|pty') REPLY='e2b-ts pty' ;;
    'e2b-ts|run') REPLY='e2b-ts run' ;;
    'e2b-ts|sandbox' | 'e2b-ts|sbx') REPLY='e2b-ts sandbox' ;;
    'e2b-ts|volume') REPLY='e2b-ts volume' ;;
    'e2b-ts auth|help') REPLY='e2b-ts auth help' ;;
    'e2b-ts auth|login') REPLY='e2b-ts auth login' ;;
    'e2b-ts auth|logout') REPLY='e2b-ts auth logout' ;;
    'e2b-ts auth|profiles' | 'e2b-ts auth|profile') REPLY='e2b-ts auth profiles' ;;
    'e2b-ts auth|status') REPLY='e2b-ts auth status' ;;
    'e2b-ts auth profiles|help') REPLY='e2b-ts auth profiles help' ;;
    'e2b-ts auth profiles|ls' | 'e2b-ts auth profiles|list') REPLY='e2b-ts auth profiles ls' ;;
    'e2b-ts auth profiles|rm' | 'e2b-ts auth profiles|remove') REPLY='e2b-ts auth profiles rm' ;;
    'e2b-ts auth profiles|use') REPLY='e2b-ts auth profiles use' ;;
    'e2b-ts fs|cat') REPLY='e2b-ts fs cat' ;;
    'e2b-ts fs|cp') REPLY='e2b-ts fs cp' ;;
    'e2b-ts fs|help') REPLY='e2b-ts fs help' ;;
    'e2b-ts fs|ls') REPLY='e2b-ts fs ls' ;;
    'e2b-ts fs|mkdir') REPLY='e2b-ts fs mkdir' ;;
    'e2b-ts fs|mv') REPLY='e2b-ts fs mv' ;;
    'e2b-ts fs|rm') REPLY='e2b-ts fs rm' ;;
    'e2b-ts fs|stat') REPLY='e2b-ts fs stat' ;;
    'e2b-ts fs|url') REPLY='e2b-ts fs url' ;;
    'e2b-ts fs|watch') REPLY='e2b-ts fs watch' ;;
    'e2b-ts fs|write') REPLY='e2b-ts fs write' ;;
    'e2b-ts git|add') REPLY='e2b-ts git add' ;;
    'e2b-ts git|branch') REPLY='e2b-ts git branch' ;;
    'e2b-ts git|checkout') REPLY='e2b-ts git checkout' ;;
    'e2b-ts git|clone') REPLY='e2b-ts git clone' ;;
    'e2b-ts git|commit') REPLY='e2b-ts git commit' ;;
    'e2b-ts git|config') REPLY='e2b-ts git config' ;;
    'e2b-ts git|help') REPLY='e2b-ts git help' ;;
    'e2b-ts git|init') REPLY='e2b-ts git init' ;;
    'e2b-ts git|pull') REPLY='e2b-ts git pull' ;;
    'e2b-ts git|push') REPLY='e2b-ts git push' ;;
    'e2b-ts git|remote') REPLY='e2b-ts git remote' ;;
    'e2b-ts git|reset') REPLY='e2b-ts git reset' ;;
    'e2b-ts git|restore') REPLY='e2b-ts git restore' ;;
    'e2b-ts git|status') REPLY='e2b-ts git status' ;;
    'e2b-ts git branch|create') REPLY='e2b-ts git branch create' ;;
    'e2b-ts git branch|delete') REPLY='e2b-ts git branch delete' ;;
    'e2b-ts git branch|help') REPLY='e2b-ts git branch help' ;;
    'e2b-ts git branch|ls' | 'e2b-ts git branch|list') REPLY='e2b-ts git branch ls' ;;
    'e2b-ts git config|get') REPLY='e2b-ts git config get' ;;
    'e2b-ts git config|help') REPLY='e2b-ts git config help' ;;
    'e2b-ts git config|set') REPLY='e2b-ts git config set' ;;
    'e2b-ts git remote|add') REPLY='e2b-ts git remote add' ;;
    'e2b-ts git remote|get') REPLY='e2b-ts git remote get' ;;
    'e2b-ts git remote|help') REPLY='e2b-ts git remote help' ;;
    'e2b-ts local|env') REPLY='e2b-ts local env' ;;
    'e2b-ts local|help') REPLY='e2b-ts local help' ;;
    'e2b-ts local|logs') REPLY='e2b-ts local logs' ;;
    'e2b-ts local|start') REPLY='e2b-ts local start' ;;
    'e2b-ts local|status') REPLY='e2b-ts local status' ;;
    'e2b-ts local|stop') REPLY='e2b-ts local stop' ;;
    'e2b-ts proc|attach') REPLY='e2b-ts proc attach' ;;
    'e2b-ts proc|help') REPLY='e2b-ts proc help' ;;
    'e2b-ts proc|kill') REPLY='e2b-ts proc kill' ;;
    'e2b-ts proc|ls' | 'e2b-ts proc|list') REPLY='e2b-ts proc ls' ;;
    'e2b-ts proc|stdin') REPLY='e2b-ts proc stdin' ;;
    'e2b-ts pty|attach') REPLY='e2b-ts pty attach' ;;
    'e2b-ts pty|help') REPLY='e2b-ts pty help' ;;
    'e2b-ts pty|kill') REPLY='e2b-ts pty kill' ;;
    'e2b-ts pty|ls' | 'e2b-ts pty|list') REPLY='e2b-ts pty ls' ;;
    'e2b-ts sandbox|connect') REPLY='e2b-ts sandbox connect' ;;
    'e2b-ts sandbox|create') REPLY='e2b-ts sandbox create' ;;
    'e2b-ts sandbox|help') REPLY='e2b-ts sandbox help' ;;
    'e2b-ts sandbox|info') REPLY='e2b-ts sandbox info' ;;
    'e2b-ts sandbox|kill' | 'e2b-ts sandbox|rm') REPLY='e2b-ts sandbox kill' ;;
    'e2b-ts sandbox|logs') REPLY='e2b-ts sandbox logs' ;;
    'e2b-ts sandbox|ls' | 'e2b-ts sandbox|list') REPLY='e2b-ts sandbox ls' ;;
    'e2b-ts sandbox|metrics') REPLY='e2b-ts sandbox metrics' ;;
    'e2b-ts sandbox|network') REPLY='e2b-ts sandbox network' ;;
    'e2b-ts sandbox|pause') REPLY='e2b-ts sandbox pause' ;;
    'e2b-ts sandbox|port-forward') REPLY='e2b-ts sandbox port-forward' ;;
    'e2b-ts sandbox|resume') REPLY='e2b-ts sandbox resume' ;;
    'e2b-ts sandbox|snapshot') REPLY='e2b-ts sandbox snapshot' ;;
    'e2b-ts sandbox|timeout') REPLY='e2b-ts sandbox timeout' ;;
    'e2b-ts sandbox|url') REPLY='e2b-ts sandbox url' ;;
    'e2b-ts sandbox snapshot|create') REPLY='e2b-ts sandbox snapshot create' ;;
    'e2b-ts sandbox snapshot|help') REPLY='e2b-ts sandbox snapshot help' ;;
    'e2b-ts sandbox snapshot|ls' | 'e2b-ts sandbox snapshot|list')
      REPLY='e2b-ts sandbox snapshot ls' ;;
    'e2b-ts sandbox snapshot|rm' | 'e2b-ts sandbox snapshot|delete')
      REPLY='e2b-ts sandbox snapshot rm' ;;
    'e2b-ts volume|cat') REPLY='e2b-ts volume cat' ;;
    'e2b-ts volume|cp') REPLY='e2b-ts volume cp' ;;
    'e2b-ts volume|create') REPLY='e2b-ts volume create' ;;
    'e2b-ts volume|help') REPLY='e2b-ts volume help' ;;
    'e2b-ts volume|info') REPLY='e2b-ts volume info' ;;
    'e2b-ts volume|ls' | 'e2b-ts volume|list') REPLY='e2b-ts volume ls' ;;
    'e2b-ts volume|mkdir') REPLY='e2b-ts volume mkdir' ;;
    'e2b-ts volume|rm') REPLY='e2b-ts volume rm' ;;
    'e2b-ts volume|write') REPLY='e2b-ts volume write' ;;
    *) return 1 ;;
  esac
}

# _e2b_ts_takes_value KEY FLAG: whether FLAG takes a value at command KEY
_e2b_ts_takes_value() {
  case "$1|$2" in
    'e2b-ts auth login|--team' | 'e2b-ts exec|--cwd' | 'e2b-ts exec|--env' | \
      'e2b-ts exec|--shell' | 'e2b-ts exec|--timeout' | 'e2b-ts exec|--user' | \
      'e2b-ts fs cat|--user' | 'e2b-ts fs cp|--links' | 'e2b-ts fs cp|--parallel' | \
      'e2b-ts fs cp|--user' | 'e2b-ts fs ls|--depth' | 'e2b-ts fs ls|--user' | \
      'e2b-ts fs mkdir|--user' | 'e2b-ts fs mv|--user' | 'e2b-ts fs rm|--user' | \
      'e2b-ts fs stat|--user' | 'e2b-ts fs url|--expires' | 'e2b-ts fs url|--user' | \
      'e2b-ts fs watch|--user' | 'e2b-ts fs write|--user' | 'e2b-ts git add|--timeout' | \
      'e2b-ts git add|--user' | 'e2b-ts git branch create|--timeout' | \
      'e2b-ts git branch create|--user' | 'e2b-ts git branch delete|--timeout' | \
      'e2b-ts git branch delete|--user' | 'e2b-ts git branch ls|--timeout' | \
      'e2b-ts git branch ls|--user' | 'e2b-ts git checkout|--timeout' | \
      'e2b-ts git checkout|--user' | 'e2b-ts git clone|--branch' | 'e2b-ts git clone|--depth' | \
      'e2b-ts git clone|--timeout' | 'e2b-ts git clone|--user' | 'e2b-ts git clone|--username' | \
      'e2b-ts git commit|--author' | 'e2b-ts git commit|-m' | 'e2b-ts git commit|--message' | \
      'e2b-ts git commit|--timeout' | 'e2b-ts git commit|--user' | \
      'e2b-ts git config get|--scope' | 'e2b-ts git config get|--timeout' | \
      'e2b-ts git config get|--user' | 'e2b-ts git config set|--scope' | \
      'e2b-ts git config set|--timeout' | 'e2b-ts git config set|--user' | \
      'e2b-ts git init|--initial-branch' | 'e2b-ts git init|--timeout' | \
      'e2b-ts git init|--user' | 'e2b-ts git pull|--branch' | 'e2b-ts git pull|--remote' | \
      'e2b-ts git pull|--timeout' | 'e2b-ts git pull|--user' | 'e2b-ts git pull|--username' | \
      'e2b-ts git push|--branch' | 'e2b-ts git push|--remote' | 'e2b-ts git push|--timeout' | \
      'e2b-ts git push|--user' | 'e2b-ts git push|--username' | \
      'e2b-ts git remote add|--timeout' | 'e2b-ts git remote add|--user' | \
      'e2b-ts git remote get|--timeout' | 'e2b-ts git remote get|--user' | \
      'e2b-ts git reset|--timeout' | 'e2b-ts git reset|--user' | 'e2b-ts git restore|--source' | \
      'e2b-ts git restore|--timeout' | 'e2b-ts git restore|--user' | \
      'e2b-ts git status|--timeout' | 'e2b-ts git status|--user' | 'e2b-ts local env|--shell' | \
      'e2b-ts local logs|-n' | 'e2b-ts local logs|--lines' | 'e2b-ts local start|--port' | \
      'e2b-ts proc kill|-s' | 'e2b-ts proc kill|--signal' | 'e2b-ts pty attach|--cmd' | \
      'e2b-ts pty attach|--cwd' | 'e2b-ts pty attach|--detach-keys' | 'e2b-ts pty attach|--env' | \
      'e2b-ts pty attach|--pid' | 'e2b-ts pty attach|--user' | 'e2b-ts run|--cwd' | \
      'e2b-ts run|--env' | 'e2b-ts run|--metadata' | 'e2b-ts run|--shell' | \
      'e2b-ts run|--template' | 'e2b-ts run|--timeout' | 'e2b-ts run|--user' | \
      'e2b-ts run|--volume' | 'e2b-ts sandbox connect|--cmd' | 'e2b-ts sandbox connect|--cwd' | \
      'e2b-ts sandbox connect|--detach-keys' | 'e2b-ts sandbox connect|--env' | \
      'e2b-ts sandbox connect|--pid' | 'e2b-ts sandbox connect|--user' | \
      'e2b-ts sandbox create|--allow-out' | 'e2b-ts sandbox create|--deny-out' | \
      'e2b-ts sandbox create|--env' | 'e2b-ts sandbox create|--metadata' | \
      'e2b-ts sandbox create|--on-timeout' | 'e2b-ts sandbox create|--timeout' | \
      'e2b-ts sandbox create|--volume' | 'e2b-ts sandbox kill|--metadata' | \
      'e2b-ts sandbox kill|--state' | 'e2b-ts sandbox ls|--limit' | \
      'e2b-ts sandbox ls|--metadata' | 'e2b-ts sandbox ls|--state' | \
      'e2b-ts sandbox ls|--template' | 'e2b-ts sandbox network|--allow-out' | \
      'e2b-ts sandbox network|--deny-out' | 'e2b-ts sandbox resume|--timeout' | \
      'e2b-ts sandbox snapshot create|--name' | 'e2b-ts sandbox snapshot ls|--limit' | \
      'e2b-ts sandbox snapshot ls|--sandbox' | 'e2b-ts volume ls|--depth')
      return 0 ;;
    *'|--api-key' | *'|--api-url' | *'|--domain' | *'|--profile') return 0 ;;
  esac
  return 1
}

# _e2b_ts_choices KEY FLAG: REPLY=the values of option FLAG at command KEY (fails if free)
_e2b_ts_choices() {
  case "$1|$2" in
    'e2b-ts fs cp|--links') REPLY='auto copy fail skip' ;;
    'e2b-ts git config get|--scope') REPLY='global local system' ;;
    'e2b-ts git config set|--scope') REPLY='global local system' ;;
    'e2b-ts local env|--shell') REPLY='dotenv fish powershell sh' ;;
    'e2b-ts sandbox create|--on-timeout') REPLY='kill pause' ;;
    *) return 1 ;;
  esac
}

# _e2b_ts_words KEY: REPLY=the subcommands of command KEY, or the values of its first argument
_e2b_ts_words() {
  case "$1" in
    'e2b-ts') REPLY='auth completion exec fs git help local proc pty run sandbox sbx volume' ;;
    'e2b-ts auth') REPLY='help login logout profile profiles status' ;;
    'e2b-ts auth help') REPLY='login logout profiles status' ;;
    'e2b-ts auth profiles') REPLY='help list ls remove rm use' ;;
    'e2b-ts auth profiles help') REPLY='ls rm use' ;;
    'e2b-ts completion') REPLY='bash fish powershell zsh' ;;
    'e2b-ts fs') REPLY='cat cp help ls mkdir mv rm stat url watch write' ;;
    'e2b-ts fs help') REPLY='cat cp ls mkdir mv rm stat url watch write' ;;
    'e2b-ts git')
      REPLY='add branch checkout clone commit config help init pull push remote reset restore status' ;;
    'e2b-ts git branch') REPLY='create delete help list ls' ;;
    'e2b-ts git branch help') REPLY='create delete ls' ;;
    'e2b-ts git config') REPLY='get help set' ;;
    'e2b-ts git config help') REPLY='get set' ;;
    'e2b-ts git help')
      REPLY='add branch checkout clone commit config init pull push remote reset restore status' ;;
    'e2b-ts git remote') REPLY='add get help' ;;
    'e2b-ts git remote help') REPLY='add get' ;;
    'e2b-ts help') REPLY='auth completion exec fs git local proc pty run sandbox volume' ;;
    'e2b-ts local') REPLY='env help logs start status stop' ;;
    'e2b-ts local help') REPLY='env logs start status stop' ;;
    'e2b-ts proc') REPLY='attach help kill list ls stdin' ;;
    'e2b-ts proc help') REPLY='attach kill ls stdin' ;;
    'e2b-ts pty') REPLY='attach help kill list ls' ;;
    'e2b-ts pty help') REPLY='attach kill ls' ;;
    'e2b-ts sandbox')
      REPLY='connect create help info kill list logs ls metrics network pause port-forward resume rm snapshot timeout url' ;;
    'e2b-ts sandbox help')
      REPLY='connect create info kill logs ls metrics network pause port-forward resume snapshot timeout url' ;;
    'e2b-ts sandbox snapshot') REPLY='create delete help list ls rm' ;;
    'e2b-ts sandbox snapshot help') REPLY='create ls rm' ;;
    'e2b-ts volume') REPLY='cat cp create help info list ls mkdir rm write' ;;
    'e2b-ts volume help') REPLY='cat cp create info ls mkdir rm write' ;;
    *) REPLY='' ;;
  esac
}

# _e2b_ts_options KEY: REPLY=the options of command KEY, the global ones included
_e2b_ts_options() {
  case "$1" in
    'e2b-ts') REPLY='-h --help' ;;
    'e2b-ts auth') REPLY='-h --help' ;;
    'e2b-ts auth login') REPLY='-h --help --no-browser --team --with-token' ;;
    'e2b-ts auth logout') REPLY='-h --help' ;;
    'e2b-ts auth profiles') REPLY='-h --help' ;;
    'e2b-ts auth profiles ls') REPLY='-h --help' ;;
    'e2b-ts auth profiles rm') REPLY='-h --help' ;;
    'e2b-ts auth profiles use') REPLY='-h --help' ;;
    'e2b-ts auth status') REPLY='-h --help' ;;
    'e2b-ts completion') REPLY='-h --help' ;;
    'e2b-ts exec')
      REPLY='--background --cwd --env -h --help --no-stdin --shell --stream --timeout --user' ;;
    'e2b-ts fs') REPLY='-h --help' ;;
    'e2b-ts fs cat') REPLY='-h --help --user' ;;
    'e2b-ts fs cp') REPLY='-h --help --links --parallel --user' ;;
    'e2b-ts fs ls') REPLY='--depth -h --help -l --long --user' ;;
    'e2b-ts fs mkdir') REPLY='-h --help -p --parents --user' ;;
    'e2b-ts fs mv') REPLY='-h --help --user' ;;
    'e2b-ts fs rm') REPLY='-f --force -h --help -r --recursive --user' ;;
    'e2b-ts fs stat') REPLY='-h --help --user' ;;
    'e2b-ts fs url') REPLY='--expires -h --help --upload --user' ;;
    'e2b-ts fs watch') REPLY='-h --help -r --recursive --user' ;;
    'e2b-ts fs write') REPLY='-h --help --user' ;;
    'e2b-ts git') REPLY='-h --help' ;;
    'e2b-ts git add') REPLY='-h --help --no-all --timeout --user' ;;
    'e2b-ts git branch') REPLY='-h --help' ;;
    'e2b-ts git branch create') REPLY='-h --help --timeout --user' ;;
    'e2b-ts git branch delete') REPLY='-f --force -h --help --timeout --user' ;;
    'e2b-ts git branch ls') REPLY='-h --help --timeout --user' ;;
    'e2b-ts git checkout') REPLY='-h --help --timeout --user' ;;
    'e2b-ts git clone')
      REPLY='--branch --depth -h --help --password-stdin --store-credentials --timeout --user --username' ;;
    'e2b-ts git commit') REPLY='--allow-empty --author -h --help -m --message --timeout --user' ;;
    'e2b-ts git config') REPLY='-h --help' ;;
    'e2b-ts git config get') REPLY='-h --help --scope --timeout --user' ;;
    'e2b-ts git config set') REPLY='-h --help --scope --timeout --user' ;;
    'e2b-ts git init') REPLY='--bare -h --help --initial-branch --timeout --user' ;;
    'e2b-ts git pull')
      REPLY='--branch -h --help --password-stdin --remote --timeout --user --username' ;;
    'e2b-ts git push')
      REPLY='--branch -h --help --no-set-upstream --password-stdin --remote --timeout --user --username' ;;
    'e2b-ts git remote') REPLY='-h --help' ;;
    'e2b-ts git remote add') REPLY='--fetch -h --help --overwrite --timeout --user' ;;
    'e2b-ts git remote get') REPLY='-h --help --timeout --user' ;;
    'e2b-ts git reset') REPLY='--hard -h --help --keep --merge --mixed --soft --timeout --user' ;;
    'e2b-ts git restore') REPLY='-h --help --source --staged --timeout --user --worktree' ;;
    'e2b-ts git status') REPLY='-h --help --timeout --user' ;;
    'e2b-ts local') REPLY='-h --help' ;;
    'e2b-ts local env') REPLY='-h --help --shell' ;;
    'e2b-ts local logs') REPLY='-f --follow -h --help -n --lines' ;;
    'e2b-ts local start') REPLY='--foreground -h --help --port' ;;
    'e2b-ts local status') REPLY='-h --help' ;;
    'e2b-ts local stop') REPLY='-h --help' ;;
    'e2b-ts proc') REPLY='-h --help' ;;
    'e2b-ts proc attach') REPLY='-h --help' ;;
    'e2b-ts proc kill') REPLY='-h --help -s --signal' ;;
    'e2b-ts proc ls') REPLY='-h --help' ;;
    'e2b-ts proc stdin') REPLY='-h --help --no-close' ;;
    'e2b-ts pty') REPLY='-h --help' ;;
    'e2b-ts pty attach')
      REPLY='--cmd --cwd --detach-keys --env --force-tty -h --help --pid --user' ;;
    'e2b-ts pty kill') REPLY='-h --help' ;;
    'e2b-ts pty ls') REPLY='-h --help' ;;
    'e2b-ts run')
      REPLY='--cwd --env -h --help --metadata --no-internet --no-secure --no-stdin --shell --stream --template --timeout --user --volume' ;;
    'e2b-ts sandbox') REPLY='-h --help' ;;
    'e2b-ts sandbox connect')
      REPLY='--cmd --cwd --detach-keys --env --force-tty -h --help --pid --user' ;;
    'e2b-ts sandbox create')
      REPLY='--allow-out --auto-resume --deny-out --env -h --help --metadata --no-internet --no-public-traffic --no-secure --on-timeout --timeout --volume' ;;
    'e2b-ts sandbox info') REPLY='-h --help' ;;
    'e2b-ts sandbox kill') REPLY='--all -h --help --metadata --state' ;;
    'e2b-ts sandbox logs') REPLY='-f --follow -h --help --raw' ;;
    'e2b-ts sandbox ls') REPLY='-h --help --limit --metadata --state --template' ;;
    'e2b-ts sandbox metrics') REPLY='-f --follow -h --help' ;;
    'e2b-ts sandbox network') REPLY='--allow-out --deny-out -h --help --no-internet' ;;
    'e2b-ts sandbox pause') REPLY='-h --help --no-memory' ;;
    'e2b-ts sandbox port-forward') REPLY='-h --help' ;;
    'e2b-ts sandbox resume') REPLY='-h --help --timeout' ;;
    'e2b-ts sandbox snapshot') REPLY='-h --help' ;;
    'e2b-ts sandbox snapshot create') REPLY='-h --help --name' ;;
    'e2b-ts sandbox snapshot ls') REPLY='-h --help --limit --sandbox' ;;
    'e2b-ts sandbox snapshot rm') REPLY='-h --help' ;;
    'e2b-ts sandbox timeout') REPLY='-h --help' ;;
    'e2b-ts sandbox url') REPLY='-h --help' ;;
    'e2b-ts volume') REPLY='-h --help' ;;
    'e2b-ts volume cat') REPLY='-h --help' ;;
    'e2b-ts volume cp') REPLY='-h --help' ;;
    'e2b-ts volume create') REPLY='-h --help' ;;
    'e2b-ts volume info') REPLY='-h --help' ;;
    'e2b-ts volume ls') REPLY='--depth -h --help -l --long' ;;
    'e2b-ts volume mkdir') REPLY='-h --help -p --parents' ;;
    'e2b-ts volume rm') REPLY='-h --help -r --recursive' ;;
    'e2b-ts volume write') REPLY='-h --help' ;;
    *) REPLY='' ;;
  esac
  REPLY+=' --api-key --api-url --debug --domain --json --local --no-color --no-input --profile -v --version -y --yes'
}

# _e2b_ts_reply WORDS CURRENT [PREFIX]: adds the WORDS that start with CURRENT to COMPREPLY
_e2b_ts_reply() {
  local w
  while IFS= read -r w; do
    [[ -n $w ]] && COMPREPLY+=("${3-}$w")
  done < <(compgen -W "$1" -- "$2")
}

_e2b_ts() {
  local cur=${COMP_WORDS[COMP_CWORD]-} key='e2b-ts' word expect='' REPLY i
  local -i positionals=0
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]-}
    if [[ -n $expect ]]; then
      # bash splits "--opt=value" at "=" (COMP_WORDBREAKS): that "=" is not the value yet
      [[ $word == '=' ]] || expect=''
      continue
    fi
    case $word in
      --) return 0 ;; # everything after -- is an argument: offer nothing
      --*=*) ;;
      -?*) _e2b_ts_takes_value "$key" "$word" && expect=$word ;;
      *)
        if ((positionals == 0)) && _e2b_ts_child "$key" "$word"; then
          key=$REPLY
        else
          positionals+=1
        fi
        ;;
    esac
  done

  if [[ -n $expect ]]; then
    [[ $cur == '=' ]] && cur=''
    _e2b_ts_choices "$key" "$expect" && _e2b_ts_reply "$REPLY" "$cur"
    return 0
  fi
  case $cur in
    --*=*)
      _e2b_ts_choices "$key" "${cur%%=*}" && _e2b_ts_reply "$REPLY" "${cur#*=}" "${cur%%=*}="
      ;;
    -*)
      _e2b_ts_options "$key"
      _e2b_ts_reply "$REPLY" "$cur"
      ;;
    *)
      if ((positionals == 0)); then
        _e2b_ts_words "$key"
        _e2b_ts_reply "$REPLY" "$cur"
      fi
      ;;
  esac
  return 0
}

complete -F _e2b_ts e2b-ts
