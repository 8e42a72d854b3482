#!/usr/bin/env node
// Readiness probe for the local Kafka broker: retries a kafkajs admin listTopics() until it
// answers or the deadline passes. Exit 0 when ready, 1 on timeout.
// Usage: node infra/kafka/ready.mjs [--brokers 127.0.0.1:9092] [--timeout 90] [--quiet]
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const brokers = arg('brokers', process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`)
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
const timeoutMs = Number(arg('timeout', '90')) * 1000;
const quiet = process.argv.includes('--quiet');
const deadline = Date.now() + timeoutMs;

const kafka = new Kafka({
  clientId: 'flipside-kafka-ready',
  brokers,
  connectionTimeout: 1000,
  requestTimeout: 5000,
  retry: { retries: 0 },
  logLevel: logLevel.NOTHING,
});

let lastError;
let attempts = 0;
while (Date.now() < deadline) {
  attempts += 1;
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    console.log(`[kafka] ready: ${brokers.join(',')} answered listTopics (${topics.length} topics) after ${attempts} attempt(s)`);
    process.exit(0);
  } catch (err) {
    lastError = err;
    await admin.disconnect().catch(() => {});
    const left = deadline - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, Math.min(500, left)));
  }
}
if (!quiet) {
  console.error(`[kafka] not ready: ${brokers.join(',')} after ${timeoutMs / 1000}s: ${lastError?.message ?? 'no attempt'}`);
}
process.exit(1);
