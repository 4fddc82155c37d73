"""Pure matching library: eligibility, occupations, normalisation, scoring, assignment.

Imports only the standard library, numpy, scipy, scikit-learn, rapidfuzz and ortools.
It reads no files and no environment: callers pass data in.
"""
