// The write path's states, as the API's Nest token (provided by StreamsModule): `app.get(StreamStates)`.
export { StreamStates } from '@flipside/write-path';
