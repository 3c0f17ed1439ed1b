// systeminformation's networkConnections(), as an app would call it; prints the count to stderr.
import si from 'systeminformation';

const c = await si.networkConnections();
process.stderr.write(`connections ${c.length}\n`);
