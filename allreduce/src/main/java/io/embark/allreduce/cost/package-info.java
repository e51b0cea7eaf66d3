/**
 * The alpha-beta cost model: per-level link costs (configured, or measured at start-up), the
 * textbook time of each schedule, and the planner that picks each level's algorithm from them.
 */
package io.embark.allreduce.cost;
