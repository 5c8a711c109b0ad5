/**
 * The store's tables as Kysely sees them. One schema for SQLite and PostgreSQL: JSON is kept as
 * text, booleans as 0/1 integers and times as ISO-8601 text, so every query reads the same on
 * both and sorts correctly.
 */
export interface RunsTable {
  id: string;
  name: string | null;
  status: string;
  reason: string | null;
  sweep_id: string | null;
  point: string;
  point_index: number | null;
  config: string;
  flags: string;
  model: string | null;
  task: string | null;
  classes: string;
  dataset_fingerprint: string | null;
  dataset: string | null;
  split: string | null;
  split_manifest: string | null;
  leakage: string | null;
  code_version: string | null;
  machine: string | null;
  device: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  epochs_done: number;
  best_epoch: number | null;
  test: string | null;
  test_accuracy: number | null;
  test_balanced_accuracy: number | null;
  test_sensitivity: number | null;
  test_specificity: number | null;
  test_auc: number | null;
  test_loss: number | null;
  dir: string | null;
  owner: string | null;
  pid: number | null;
  attempts: number;
  heartbeat_at: string | null;
  folder_stamp: string | null;
  /** Queue worker that took the run last (schema 2). */
  worker: string | null;
  /** Its queue job (pg-boss job id; schema 2). */
  job_id: string | null;
}

export interface EpochsTable {
  run_id: string;
  epoch: number;
  lr: number | null;
  train_loss: number | null;
  train_accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  val_balanced_accuracy: number | null;
  val_sensitivity: number | null;
  val_specificity: number | null;
  val_auc: number | null;
  collapsed: number;
  best: number;
  seconds: number | null;
  record: string;
}

export interface PredictionsTable {
  run_id: string;
  idx: number;
  file: string;
  subject: string;
  label: number;
  predicted: number;
  probabilities: string;
}

export interface ArtifactsTable {
  run_id: string;
  path: string;
  kind: string;
  bytes: number;
}

export interface TagsTable {
  run_id: string;
  tag: string;
}

export interface SweepsTable {
  id: string;
  name: string;
  scale: string;
  file: string | null;
  spec: string;
  created_at: string;
}

/** Queue workers (`alzbench worker`), schema 2. */
export interface WorkersTable {
  id: string;
  name: string;
  host: string;
  pid: number;
  device: string;
  concurrency: number;
  state: string;
  drain: number;
  runs_done: number;
  started_at: string;
  heartbeat_at: string;
}

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface StoreDatabase {
  runs: RunsTable;
  epochs: EpochsTable;
  predictions: PredictionsTable;
  artifacts: ArtifactsTable;
  tags: TagsTable;
  sweeps: SweepsTable;
  workers: WorkersTable;
  alzbench_migrations: MigrationsTable;
}
