#!/usr/bin/env python3
"""Placeholder until the plots issue lands: refuses honestly."""
import sys
sys.stderr.write("plots/report.py: report generation is not implemented yet\n")
sys.exit(3)
