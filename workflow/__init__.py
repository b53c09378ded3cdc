"""The rules of cases and whistles: state machines, roles, deadlines, escalation, evaluation."""
