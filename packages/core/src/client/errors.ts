// The typed errors are defined with the wire (wire/errors.ts): reply parsing raises them, and the
// wire layer must not import the client. Client code keeps importing them from here.
export * from '../wire/errors.js';
