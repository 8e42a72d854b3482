import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const REGISTER = join(__dirname, 'register-typescript.cjs');
const MAIN = join(__dirname, '../../src/main.ts');

/**
 * The real projector (apps/projector/src/main.ts) in a child process, run from its TypeScript sources, so a
 * suite can SIGKILL it mid-work as an orchestrator or the kernel would. Stopped only through its own pid.
 */
export class ProjectorProcess {
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private listeners: (() => void)[] = [];

  private constructor(
    readonly name: string,
    env: Record<string, string>,
    entry: string,
  ) {
    this.child = spawn(process.execPath, ['-r', REGISTER, entry], {
      // Port 0: the projector's health port on any free port, so several processes can run side by side.
      env: { ...process.env, PROJECTOR_PORT: '0', ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.output.push(line);
      for (const wake of this.listeners.splice(0)) wake();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** `entry`: another TypeScript entry point than the projector's main (e.g. one module of it). */
  static start(name: string, env: Record<string, string>, entry = MAIN): ProjectorProcess {
    return new ProjectorProcess(name, env, entry);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.output.find((candidate) => pattern.test(candidate));
      if (line) return line;
      if (!this.running) throw new Error(`${this.name} exited before logging ${pattern}:\n${this.tail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name} did not log ${pattern} within ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.listeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Signals this child by its pid; resolves when it has exited. */
  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) process.kill(this.pid, signal);
    return this.exited;
  }

  tail(lines = 30): string {
    return this.output.slice(-lines).join('\n');
  }
}
