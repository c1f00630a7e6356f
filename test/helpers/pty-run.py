#!/usr/bin/env python3
# Runs a command with its stdout on a pseudo-terminal of a given size and copies every byte the
# command wrote there to our stdout (raw, as the terminal received it: the tty's \n -> \r\n
# included). stdin is /dev/null, stderr is ours. Exits with the command's exit code.
#
#   python3 test/helpers/pty-run.py ROWS COLS command [args...]
import fcntl
import os
import struct
import subprocess
import sys
import termios

rows, cols, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
with open(os.devnull, 'rb') as devnull:
    child = subprocess.Popen(argv, stdin=devnull, stdout=slave, stderr=None, close_fds=True)
os.close(slave)
out = sys.stdout.buffer
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: every writer of the terminal is gone
        break
    if not chunk:
        break
    out.write(chunk)
    out.flush()
sys.exit(child.wait())
