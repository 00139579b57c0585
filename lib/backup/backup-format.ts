/** The first word of a Gantry backup; a restore refuses anything else. */
export const backupFormat = "gantry-backup-v1";

export interface BackupHeader {
  format: typeof backupFormat;
  createdAt: string;
  /** Migrations applied to the database it came from; a restore needs all of them. */
  migrations: string[];
  /** Rows per table (complete once written; the file's last line repeats it). */
  rows: Record<string, number>;
}
