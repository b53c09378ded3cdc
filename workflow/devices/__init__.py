"""Grid workers' phones: random identifiers, enrolment, revocation, health."""
