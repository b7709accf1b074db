// placeholder: written in the foundation issue
int main() { return 2; }
