// ngrok's "Connections" line: ttl, opn, rt1, rt5 (requests/s, 1- and 5-minute moving
// averages, updated every 5 s like a Unix load average) and p50/p90 durations in seconds.
import { Ring } from '../common/ring.ts';

export class ConnStats {
  total = 0;
  rt1 = 0;
  rt5 = 0;
  private tick = 0;
  private readonly durations = new Ring<number>(1000);
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.decay(), 5000);
    this.timer.unref();
  }

  record(durationMs: number): void {
    this.total++;
    this.tick++;
    this.durations.push(durationMs);
  }

  percentile(p: number): number {
    if (!this.durations.size) return 0;
    const sorted = this.durations.toArray().sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! / 1000;
  }

  private decay(): void {
    const rate = this.tick / 5;
    this.tick = 0;
    const a1 = Math.exp(-5 / 60);
    const a5 = Math.exp(-5 / 300);
    this.rt1 = this.rt1 * a1 + rate * (1 - a1);
    this.rt5 = this.rt5 * a5 + rate * (1 - a5);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
