# zsh -f test/helpers/zsh-complete.zsh FPATH_DIR OUT_FILE 'words to complete'
# Completes a command line for real: an interactive zsh in a pseudo-terminal (zsh/zpty) runs
# compinit over FPATH_DIR, the line and a TAB are typed, and every match the completion system
# offers (captured by wrapping compadd: compadd -O lists them) is appended to OUT_FILE.
zmodload zsh/zpty || exit 2
dir=$1 out=$2 line=$3
zpty z zsh -f -i
zpty -w z "PS1='P''ROMPT> '; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "compadd() { local -a m; builtin compadd -O m \"\$@\"; print -rl -- \$m >> ${(q)out}; builtin compadd \"\$@\"; }"
# wait for the prompt after both commands, so that the keys reach the line editor
zpty -r -m z got '*PROMPT> *PROMPT> *' || exit 3
zpty -w -n z "$line"$'\t'
zpty -w z $'\C-u'"print 'END''MARK'"
zpty -r -m z got '*ENDMARK*' || exit 4
zpty -d z
