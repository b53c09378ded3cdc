"""Phone health (/devices): each phone's last fix, battery, set-aside fixes, clock."""
