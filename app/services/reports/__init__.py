"""Word reports: the plan progress report for meetings, the monthly audit report, a single audit, an owner's update
pack; the checks made before one is released; and the frozen snapshots that keep what a meeting saw."""
