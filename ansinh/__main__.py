"""`python -m ansinh …` is the `ansinh` command (how `serve --workers` starts its dispatcher process)."""
from ansinh.cli import main

main(prog_name="ansinh")
