import { controlHandler } from './control/http.js';
import { Simulator, type SimulatorOptions } from './simulator.js';

/** Creates and starts a simulator (the servers listen on 127.0.0.1 once this resolves). */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = new Simulator(options);
  try {
    await sim.start(controlHandler(sim));
  } catch (err) {
    await sim.close();
    throw err;
  }
  return sim;
}
