// node-netstat with its defaults (it runs "netstat -apntu" and parses each line); prints the count.
import netstat from 'node-netstat';

let n = 0;
netstat(
  {
    done: (err) => {
      process.stderr.write(`connections ${n}${err ? ` error ${err}` : ''}\n`);
    },
  },
  () => {
    n++;
  },
);
