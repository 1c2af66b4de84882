"""`python -m bot`, and the `quitgpt-bot` command."""

import signal
import sys


def run() -> None:
    # Until the command installs its own handlers, Ctrl-C ends it as it ends any command:
    # at once and without a traceback (loading the command takes a quarter of a second).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    from bot.cli import main

    sys.exit(main())


if __name__ == "__main__":
    run()
