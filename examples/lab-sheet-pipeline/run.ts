import { runPipeline } from './src/runPipeline';

const { correct, advice } = await runPipeline({ log: (line) => console.log(line) });
console.log(
  correct ? 'OK: the patient got the right advice.' : `FAILED: unexpected advice ${JSON.stringify(advice)}`,
);
process.exit(correct ? 0 : 1);
