// Package scenario is what all eight authorization scenarios share: the
// Request, the Authorization and its states, the Delivery of licenses and
// data (decrypted in memory only) with its 数据资产凭证 (data asset
// certificate), the legality checks run before a call leaves the system
// (format, source, business type), waiting for the holder's decision, the
// callback receiver, and service codes (办事码).
//
// The typed scenario requests live in the personal and legal packages; they
// all become one Request here.
package scenario
