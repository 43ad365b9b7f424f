/** busboy's parser of header parameters (Content-Type, Content-Disposition); it ships no types. */
declare module '@fastify/busboy/lib/utils/parseParams.js' {
  /**
   * `form-data; name="file"; filename*=utf-8''%C3%A9` → `['form-data', ['name', 'file'],
   * ['filename', 'é']]`: the first element is the value, then one [key, value] pair per
   * parameter (quoted strings unescaped, RFC 2231 values decoded).
   */
  export default function parseParams(header: string): Array<string | [string, string]>;
}
