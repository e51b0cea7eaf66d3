/**
 * Where ranks sit (levels of groups: process, host, rack) and how ranges of elements are cut into
 * blocks among a group's members. Pure arithmetic: no I/O, no threads.
 */
package io.embark.allreduce.topology;
