"""Plans: the catalog of indicators, tasks and reporting schedules transcribed from source documents."""
