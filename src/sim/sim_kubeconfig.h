/* The kubeconfig flinktop-sim writes for its clients (--kubeconfig-out): one cluster and
 * one context named flinktop-sim (namespace default, current), one user with the bearer
 * token, and the CA data when the server speaks TLS. */
#ifndef FLINKTOP_SIM_KUBECONFIG_H
#define FLINKTOP_SIM_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Writes file (mode 0600, replaced if present). server is the listening URL; ca_pem
 * (ca_len bytes) is the PEM certificate clients trust, NULL for plain HTTP; token may be
 * NULL. All borrowed. On failure returns false with a one-line message in err. */
bool sim_kubeconfig_write(const char *file, const char *server, const char *ca_pem, size_t ca_len,
                          const char *token, char *err, size_t err_len);

#endif
