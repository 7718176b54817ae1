import { type BuildAppOptions, buildApp } from 'fauxqs';
import type { Upstream } from './upstream.ts';

type FauxqsStores = NonNullable<BuildAppOptions['stores']>;
type StoreModule<Name extends string, Instance> = Record<Name, new () => Instance>;

/**
 * fauxqs only exports buildApp/startFauxqs, but we must construct its SqsStore ourselves to set
 * `host` to '' (see startSqsAndSns). The store classes are not in its package "exports", so they are
 * loaded by file URL next to the resolved entry point (dist/app.js), which is also how app.js imports them.
 */
async function loadFauxqsStores(): Promise<FauxqsStores> {
  const entryPoint = import.meta.resolve('fauxqs');
  const load = (path: string): Promise<unknown> => import(new URL(path, entryPoint).href);
  const [sqs, sns, s3] = await Promise.all([
    load('./sqs/sqsStore.js') as Promise<StoreModule<'SqsStore', FauxqsStores['sqsStore']>>,
    load('./sns/snsStore.js') as Promise<StoreModule<'SnsStore', FauxqsStores['snsStore']>>,
    load('./s3/s3Store.js') as Promise<StoreModule<'S3Store', FauxqsStores['s3Store']>>,
  ]);
  return { sqsStore: new sqs.SqsStore(), snsStore: new sns.SnsStore(), s3Store: new s3.S3Store() };
}

/**
 * SQS and SNS emulated by fauxqs. Its default queue URLs use the host `sqs.<region>.localhost`, which
 * does not resolve here. With `host` '' fauxqs builds queue URLs from the request's Host header
 * instead; the router always sends its own address there, so every queue URL points back at the router
 * (fauxqs 2 finds a queue by the name at the end of its URL).
 */
export async function startSqsAndSns(region: string): Promise<Upstream> {
  const stores = await loadFauxqsStores();
  stores.sqsStore.host = '';
  const app = buildApp({ logger: false, defaultRegion: region, stores });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { origin, close: () => app.close() };
}
