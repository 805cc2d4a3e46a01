/* Registered environment classes, in `myriad envs` order.  Each line is
 * MYR_ENV_CLASS_(symbol) for a `const myr__env_class symbol` defined in
 * src/envs/.  No include guard: expanded with different definitions. */
MYR_ENV_CLASS_(myr__cartpole_class)
