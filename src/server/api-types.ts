/**
 * The JSON shapes of the dashboard's HTTP API, shared by the server (`src/server`) and the web app
 * (`src/web/app`, type-only imports). No file names or subject IDs appear in any of them: slices
 * are named by their index in the run's test split.
 */
import type { ComparisonRow } from '../report/comparison-row.js';

/** Headline test metrics of a run's selected model. */
export interface HeadlineMetrics {
  readonly accuracy: number | null;
  readonly balancedAccuracy: number | null;
  readonly sensitivity: number | null;
  readonly specificity: number | null;
  readonly auc: number | null;
  readonly loss: number | null;
}

/** One row of the runs table. */
export interface RunSummary {
  readonly id: string;
  readonly name: string | null;
  readonly status: string;
  readonly reason: string | null;
  readonly model: string | null;
  readonly task: string | null;
  readonly pipeline: string | null;
  readonly sweepId: string | null;
  readonly point: Record<string, string>;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly epochsDone: number;
  /** Epochs asked for (config), when known. */
  readonly epochs: number | null;
  readonly bestEpoch: number | null;
  readonly test: HeadlineMetrics;
  /** collapsed, leak, no-test: warnings beside the status. */
  readonly flags: readonly string[];
  /** Whether a checkpoint exists, so the predict page can use the run. */
  readonly hasCheckpoint: boolean;
  /** What one sample is: a 2-D slice, or a person's whole 3-D volume (config `input`). */
  readonly input: InputKind;
  /** What the headline test figures count: slices; scan sessions (a volume run's samples); subjects when each test person has one session. */
  readonly unit: FigureUnit;
}

/** A run's sample: a 2-D slice or a whole 3-D volume. */
export type InputKind = 'slice' | 'volume';
/** What a figure counts: each test slice, each test scan session (one volume), or each test subject once. */
export type FigureUnit = 'slice' | 'session' | 'subject';

/** The volume settings of a volume run (run page). */
export interface VolumeSettings {
  /** Voxels [x, y, z] every volume was cropped or padded to. */
  readonly shape: readonly number[] | null;
  /** Voxel size in mm the volumes were resampled to; null: kept as stored. */
  readonly spacing: number | readonly number[] | null;
  readonly model: string | null;
  /** Other volume-specific settings as recorded (augmentation, ...). */
  readonly other: Record<string, unknown>;
}

/** `GET /api/runs`. */
export interface RunsResponse {
  readonly runs: readonly RunSummary[];
  readonly sweeps: readonly { readonly id: string; readonly name: string }[];
  readonly store: { readonly kind: string };
}

/**
 * One Grad-CAM image of the run's test phase (image at `/api/runs/<id>/cam/<index>`): a slice with
 * its heat map, or for a volume run the axial, coronal and sagittal planes through the 3-D map's
 * peak, side by side.
 */
export interface CamEntry {
  readonly index: number;
  readonly trueClass: string;
  readonly predictedClass: string;
  readonly correct: boolean;
}

/** A ROC curve of one class against the rest. */
export interface RocCurve {
  readonly label: string;
  readonly auc: number | null;
  readonly points: readonly (readonly [number, number])[];
}

/** `GET /api/runs/<id>`: everything the run page shows. */
export interface RunDetail extends RunSummary {
  readonly classes: readonly string[];
  readonly config: Record<string, unknown>;
  /** Settings as given (flags or sweep settings), before defaults. */
  readonly given: Record<string, unknown>;
  readonly dataset: {
    readonly layout: string | null;
    readonly slices: number | null;
    /** Volume runs: scan sessions read (one volume each). */
    readonly volumes: number | null;
    readonly fingerprint: string | null;
    readonly root: string | null;
  } | null;
  readonly split: {
    readonly grouping: string | null;
    readonly seed: number | null;
    readonly groups: unknown;
    readonly counts: Record<string, Record<string, number>>;
  } | null;
  readonly leakage: Record<string, unknown> | null;
  readonly codeVersion: string | null;
  readonly machine: Record<string, unknown> | null;
  readonly device: string | null;
  readonly startedAt: string | null;
  readonly updatedAt: string;
  /** metrics.jsonl lines. */
  readonly epochRecords: readonly Record<string, unknown>[];
  readonly testReport: {
    readonly selectedBy: string | null;
    readonly samples: number | null;
    readonly best: {
      readonly epoch: number | null;
      readonly metrics: Record<string, unknown> | null;
      readonly collapsed: boolean;
      readonly ci: Record<string, unknown> | null;
      readonly subject: SubjectView | null;
    } | null;
    readonly last: {
      readonly epoch: number | null;
      readonly metrics: Record<string, unknown> | null;
      readonly collapsed: boolean;
      readonly subject: SubjectView | null;
    } | null;
    /** test.json `calibration`: ECE method, test calibration (reliability bins), temperature scaling. */
    readonly calibration: {
      readonly method?: string;
      readonly test?: { readonly ece: number; readonly bins: number; readonly n: number };
      readonly temperature?: { readonly value: number; readonly test: { readonly ece: number } };
    } | null;
  } | null;
  readonly confusion: readonly (readonly number[])[] | null;
  readonly roc: readonly RocCurve[];
  readonly cam: readonly CamEntry[];
  /** Volume runs: the volume settings; null for slice runs. */
  readonly volume: VolumeSettings | null;
  /** Run folder files that `GET /api/runs/<id>/files/<path>` serves (plots, config, metrics). */
  readonly files: readonly string[];
}

/** `GET /api/compare`: the compare command's comparison without per-slice predictions. */
export interface CompareResponse {
  readonly title: string;
  readonly baseline: string | null;
  readonly columns: readonly string[];
  /** Each run's comparison row, with whether it is a slice or a volume run and what its headline (best/last/ci) figures count. */
  readonly rows: readonly (ComparisonRow & { readonly input: InputKind; readonly unit: FigureUnit })[];
  readonly notes: readonly string[];
  /** Per run: label and per-epoch curves. */
  readonly curves: Record<
    string,
    {
      readonly label: string;
      readonly epochs: readonly {
        readonly epoch: number;
        readonly trainLoss: number | null;
        readonly valLoss: number | null;
        readonly valAccuracy: number | null;
        readonly valBalancedAccuracy: number | null;
        readonly valSensitivity: number | null;
      }[];
    }
  >;
  /** Every swept or differing parameter per run (all runs' keys), for parallel coordinates. */
  readonly parameters: readonly string[];
}

/** A run usable on the predict page. */
export interface ModelChoice {
  readonly id: string;
  readonly name: string | null;
  readonly model: string;
  readonly classes: readonly string[];
  readonly imageSize: readonly number[] | null;
  readonly pipeline: string | null;
  readonly status: string;
  /** Slice runs take an image upload, volume runs a `.nii`/`.nii.gz` volume. */
  readonly input: InputKind;
  /** Volume runs: voxels [x, y, z] the volume is prepared to. */
  readonly volumeShape: readonly number[] | null;
}

/** `POST /api/predict`. */
export interface PredictResponse {
  readonly run: string;
  readonly model: string;
  readonly checkpointEpoch: number;
  readonly predicted: string;
  readonly probabilities: Record<string, number>;
  /** The preprocessed model input, PNG data URL. */
  readonly input: string;
  /** The Grad-CAM heat map of the predicted class over the input, PNG data URL. */
  readonly overlay: string;
  readonly width: number;
  readonly height: number;
  /**
   * Volume runs (a `.nii`/`.nii.gz` upload): the prepared volume's shape [x, y, z] and the
   * Grad-CAM peak voxel; `input` and `overlay` then show the axial, coronal and sagittal planes
   * through the peak, side by side. Absent for slice runs.
   */
  readonly volume?: { readonly shape: readonly number[]; readonly peak: readonly number[] };
}

/** `POST /api/preprocess`: the slice after each step. */
export interface PreprocessResponse {
  readonly chain: string;
  readonly steps: readonly { readonly label: string; readonly width: number; readonly height: number; readonly channels: number; readonly png: string }[];
}

/** `GET /api/chains`: named chains to start from, and the module list. */
export interface ChainsResponse {
  readonly presets: readonly { readonly name: string; readonly spec: string }[];
  readonly modules: readonly string[];
}

/** `GET /api/runs/<id>/test-slices`: a run's test slices by index, without their file names. */
export interface TestSlicesResponse {
  readonly run: string;
  readonly slices: readonly { readonly index: number; readonly label: string }[];
}

/** Every error the API answers: HTTP status plus this body. */
export interface ApiError {
  readonly error: { readonly status: number; readonly message: string; readonly hint?: string };
}

/** Subject-level test metrics of a run (test.json best.subject / last.subject). */
export interface SubjectView {
  readonly rule?: string;
  readonly subjects?: number;
  readonly reconstructed?: boolean;
  readonly metrics?: Record<string, unknown>;
  readonly ci?: Record<string, unknown> | null;
}
