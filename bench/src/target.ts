/** A row of the bench's targets table. */
export interface Target {
  name: string;
  goal: string;
  actual: string;
  met: boolean | undefined;
  /** wechat4u's figure from the same run, where the row has one. */
  peer?: string;
}
