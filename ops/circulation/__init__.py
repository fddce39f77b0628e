"""The circulation desk from the command line (staff tools, scripts, the demo)."""
