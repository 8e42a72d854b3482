// Each read model in one folder: its entities (tables), its evolve and projection (how events change the rows),
// and the queries over them that need no HTTP (program-kpis).
export * from './dashboard/entities/program-overview.entity';
export * from './dashboard/entities/participant.entity';
export * from './dashboard/entities/pair.entity';
export * from './dashboard/entities/session.entity';
export * from './dashboard/entities/objective.entity';
export * from './dashboard/entities/feedback.entity';
export * from './dashboard/dashboard.evolve';
export * from './dashboard/dashboard.projection';
export * from './program-kpis/entities/program-week.entity';
export * from './program-kpis/program-kpis.projection';
export * from './program-kpis/program-kpis.queries';
export * from './read-model-projection';
export * from './read-models.data-source';
export * from './projection-catalog';
export * from './event-fields';
export * from './row-set';
