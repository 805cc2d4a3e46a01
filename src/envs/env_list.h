/* Registered environment classes, in `myriad envs` order.  Each line is
 * MYR_ENV_CLASS_(symbol) for a `const myr__env_class symbol` defined in
 * src/envs/.  No include guard: expanded with different definitions. */
MYR_ENV_CLASS_(myr__cartpole_class)
MYR_ENV_CLASS_(myr__ccasr_control_class)
MYR_ENV_CLASS_(myr__ccasr_sysid_class)
MYR_ENV_CLASS_(myr__pendulum_class)
MYR_ENV_CLASS_(myr__mountaincar_class)
MYR_ENV_CLASS_(myr__acrobot_class)
MYR_ENV_CLASS_(myr__optohill_class)
MYR_ENV_CLASS_(myr__network_class)
