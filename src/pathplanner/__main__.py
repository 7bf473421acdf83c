"""Run the command line: python -m pathplanner."""

from .cli import main

if __name__ == "__main__":
    main()
