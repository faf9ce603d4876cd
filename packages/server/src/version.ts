/** The API's version in the OpenAPI document: bump the minor for additions, the major for breaks. */
export const VERSION = '0.1.0';
