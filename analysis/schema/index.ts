export {
  decodePointerSegment,
  describeSchemaError,
  dottedField,
  gave,
  SHARED_MESSAGES,
  type DescribedSchemaError,
  type SchemaMessage,
  type SchemaValidationError,
  type SchemaWording,
} from './describe-error';
export { closedObject, HTTP_URL, NON_EMPTY_STRING, nonEmptyStrings, OWNER_SLASH_NAME, secondsUpTo } from './parts';
