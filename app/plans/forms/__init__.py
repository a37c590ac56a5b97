"""The plans blueprint's forms, one module per subject: owners' updates, editing the plan, importing a plan."""
