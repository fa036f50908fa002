/**
 * Collects work submitted by concurrent callers and runs it in batches: while one batch is in
 * flight, new submissions wait and go together in the next. An idle batcher runs a submission at
 * once, so a lone request pays no added latency; under load, one round trip serves many requests.
 */
export class GroupCommit<TItem, TResult> {
  private pending: { item: TItem; resolve: (r: TResult) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly runBatch: (items: TItem[]) => Promise<TResult[]>,
    private readonly options: { maxBatch: number; concurrency: number } = { maxBatch: 500, concurrency: 1 },
  ) {}

  submit(item: TItem): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.options.concurrency && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.maxBatch);
      this.inFlight++;
      this.runBatch(batch.map((p) => p.item))
        .then(
          (results) => batch.forEach((p, i) => p.resolve(results[i])),
          (error: unknown) => batch.forEach((p) => p.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }
}
