// libedit (BSD editline) for the credence REPL: line editing, history, completion.
#include <stdio.h>
#include <histedit.h>
#include <editline/readline.h>
