import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('runs a lone submission at once, then batches what arrives while it is in flight', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sut = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => i * 10);
    });

    const first = sut.submit(1);
    const rest = [2, 3, 4].map((i) => sut.submit(i));
    release();

    await expect(first).resolves.toBe(10);
    await expect(Promise.all(rest)).resolves.toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every caller of a failed batch and keeps serving later ones', async () => {
    let fail = true;
    const sut = new GroupCommit<number, number>(async (items) => {
      if (fail) throw new Error('database down');
      return items;
    });
    await expect(Promise.all([sut.submit(1), sut.submit(2)])).rejects.toThrow('database down');
    fail = false;
    await expect(sut.submit(3)).resolves.toBe(3);
  });

  it('caps the batch size', async () => {
    const sizes: number[] = [];
    const sut = new GroupCommit<number, number>(
      async (items) => {
        sizes.push(items.length);
        return items;
      },
      { maxBatch: 2, concurrency: 1 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((i) => sut.submit(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
  });
});
